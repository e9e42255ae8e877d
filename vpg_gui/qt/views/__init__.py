"""The window's views: widgets that render the model (plots, run list, render panel, form, ...)
and the slide export drawn from them."""

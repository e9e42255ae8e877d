"""Files the program writes and reads back, without Qt: run directories, sessions, autosave,
TensorBoard events, GIFs, presets and the window's settings file."""

"""vpg-gui: watch the simplest policy gradient learn."""

__version__ = "0.1.0"

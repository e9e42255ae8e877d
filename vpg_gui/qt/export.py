"""The plots as a slide: the return, length and diagnostics plots drawn one above the other at a
chosen width, with their legend and markers and without any widget (no list boxes, no toolbar).
PNG (pixels, the scene painted at that scale, so text and lines stay sharp) or SVG (vectors),
by the file's suffix. The window's File > Export plots and ``vpg-plot`` both draw with this.

    write_plots(plots, "slide.png", width=1920)
    write_plots(plots, "slide.svg")
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

from vpg_gui.core.files import atomic_write_bytes, new_temp_beside

DEFAULT_WIDTH = 1920
SUFFIXES = (".png", ".svg")


def write_plots(plots, path: Path | str, width: int = DEFAULT_WIDTH) -> None:
    """Write the plots of ``plots`` (a TrainingPlots) to ``path``, ``width`` pixels wide."""
    items = [p.getPlotItem() for p in (plots.return_plot, plots.length_plot, plots.diagnostics.plot)]
    write_items(items, path, width)


def write_items(items, path: Path | str, width: int = DEFAULT_WIDTH) -> None:
    """Write pyqtgraph plot items (each in a scene), one above the other, to ``path``."""
    path = Path(path)
    sources = [item.sceneBoundingRect() for item in items]
    heights = [width * s.height() / max(s.width(), 1.0) for s in sources]
    size = QSize(width, round(sum(heights)))
    if path.suffix.lower() == ".svg":
        tmp = new_temp_beside(path)
        try:
            generator = QSvgGenerator()
            generator.setFileName(str(tmp))
            generator.setSize(size)
            generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
            generator.setTitle("vpg-gui plots")
            _draw(generator, items, sources, heights, width)
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
        return
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    _draw(image, items, sources, heights, width)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    atomic_write_bytes(path, bytes(buffer.data()))


def _draw(device, items, sources, heights, width: int) -> None:
    painter = QPainter(device)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    try:
        y = 0.0
        for item, source, height in zip(items, sources, heights, strict=True):
            item.scene().render(painter, QRectF(0, y, width, height), source)
            y += height
    finally:
        painter.end()

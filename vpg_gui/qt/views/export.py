"""The plots as a slide: one figure, 16:9 at the chosen width (default 1920x1080), drawn afresh
from the run model, so it is the same whatever the window's size, zoom or presentation mode:

- the return, length and diagnostics plots stacked (3 : 2 : 2), or one of them alone;
- every text at one size on every plot (22 px at 1920 wide, scaled with the width);
- every shown run whole (x from epoch 1 to the longest run's last epoch);
- the run list drawn as a legend in a column of its own, sized for the image, never over a curve.

PNG (pixels, the scene painted 1:1, so text and lines stay sharp) or SVG (vectors), by the
file's suffix. The window's File > Export plots and ``vpg-plot --out`` both draw with this.

    write_plots(plots, "slide.png")                      # 1920x1080
    write_plots(plots, "slide.svg", width=1280)          # 1280x720
    write_plots(plots, "return.png", which=("return",))  # the return plot alone
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtSvg import QSvgGenerator

from vpg_gui.formats.files import atomic_write_bytes, new_temp_beside
from vpg_gui.qt.views.plot_fonts import pixel_font
from vpg_gui.qt.views.run_colors import item_color

DEFAULT_WIDTH = 1920
SUFFIXES = (".png", ".svg")
PLOTS = ("return", "length", "diagnostic")
EXPORT_CHOICES = {  # what File > Export plots offers -> the plots drawn
    "All three plots": PLOTS,
    "Return plot alone": ("return",),
    "Episode length plot alone": ("length",),
    "Diagnostic plot alone": ("diagnostic",),
}
SHARES = {"return": 3, "length": 2, "diagnostic": 2}  # of the figure's height
SLIDE_TEXT_PX = 22  # at 1920 px wide: legible on a projected slide
LEGEND_SHARE = 0.24  # of the figure's width, for the run list as a legend


def slide_size(width: int) -> QSize:
    """16:9. ``slide_size(1920)`` is 1920x1080."""
    return QSize(width, round(width * 9 / 16))


def write_plots(plots, path: Path | str, width: int = DEFAULT_WIDTH, which: tuple[str, ...] = PLOTS) -> None:
    """Write a slide of ``plots`` (a TrainingPlots: its runs, env, smoothing and diagnostic) to ``path``."""
    size = slide_size(width)
    px = max(round(SLIDE_TEXT_PX * width / DEFAULT_WIDTH), 8)
    figure = plots.twin()
    try:
        figure.set_style(px, max(width / DEFAULT_WIDTH * 1.5, 1.0), short_titles=False)
        ws = plots.workspace
        # The runs drawn: shown, with epochs (the live run waiting for Train is listed in the window only).
        entries = [(item_color(ws, item), label) for item, label in ws.listed() if ws.shown(item) and _drawn(item)]
        legend_w = round(width * LEGEND_SHARE) if entries else 0
        widgets = dict(zip(PLOTS, (figure.return_plot, figure.length_plot, figure.diagnostics.plot), strict=True))
        total = sum(SHARES[name] for name in which)
        places, y = [], 0
        for i, name in enumerate(which):
            height = size.height() - y if i == len(which) - 1 else round(size.height() * SHARES[name] / total)
            widget = widgets[name]
            widget.setParent(None)  # out of the figure's layout: sized exactly to its place on the slide
            widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
            widget.resize(width - legend_w, height)
            widget.show()
            widget.getPlotItem().layout.activate()
            places.append((widget.getPlotItem(), QRectF(0, y, width - legend_w, height)))
            y += height
        # pyqtgraph sizes an axis to its tick labels as it paints them: paint once to measure
        # (a 1x1 image), lay out again, and the slide's axes fit their larger text.
        _with_painter(QImage(1, 1, QImage.Format.Format_RGB32), lambda painter: _paint(painter, places, None, [], 0))
        for item, _ in places:
            item.layout.activate()
        legend = QRectF(width - legend_w, 0, legend_w, size.height())
        _write(path, size, lambda painter: _paint(painter, places, legend, entries, px))
    finally:
        for widget in (figure.return_plot, figure.length_plot, figure.diagnostics.plot):
            widget.deleteLater()
        figure.deleteLater()


def _drawn(item) -> bool:
    return bool(item.history) if hasattr(item, "history") else any(item.histories.values())


def write_items(items, path: Path | str, width: int = DEFAULT_WIDTH) -> None:
    """Write pyqtgraph plot items (each in a scene, e.g. the sweep's panels), one above the other,
    scaled to ``width``."""
    sources = [item.sceneBoundingRect() for item in items]
    heights = [width * s.height() / max(s.width(), 1.0) for s in sources]
    places, y = [], 0.0
    for item, height in zip(items, heights, strict=True):
        places.append((item, QRectF(0, y, width, height)))
        y += height
    _write(path, QSize(width, round(y)), lambda painter: _paint(painter, places, None, [], 0))


def write_widget(widget, path: Path | str, width: int = DEFAULT_WIDTH) -> None:
    """Write a widget (e.g. the update inspector) as a 16:9 slide ``width`` wide: laid out at
    that size, with 22 px text at 1920 (set by the caller, e.g. set_presentation), then painted."""
    size = slide_size(width)
    widget.resize(size)
    widget.layout().activate()
    _write(path, size, lambda painter: widget.render(painter, QPoint(0, 0)))


def _write(path: Path | str, size: QSize, paint) -> None:
    path = Path(path)
    if path.suffix.lower() == ".svg":
        tmp = new_temp_beside(path)
        try:
            generator = QSvgGenerator()
            generator.setFileName(str(tmp))
            generator.setSize(size)
            generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
            generator.setTitle("vpg-gui plots")
            generator.setResolution(96)  # the screen's: at its default 72 dpi the scene was drawn at 3/4 size
            _with_painter(generator, paint)
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
        return
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    _with_painter(image, paint)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    atomic_write_bytes(path, bytes(buffer.data()))


def _with_painter(device, paint) -> None:
    painter = QPainter(device)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    try:
        paint(painter)
    finally:
        painter.end()


def _paint(painter: QPainter, places, legend: QRectF | None, entries, px: int) -> None:
    for item, target in places:  # pyqtgraph plot items, each in its scene
        item.scene().render(painter, target, item.sceneBoundingRect())
    if legend is None or not entries:
        return
    painter.setFont(pixel_font(px))
    line = painter.fontMetrics().height()
    pad = px
    y = legend.top() + 2 * pad
    painter.setPen(QColor("#222"))
    painter.drawText(QRectF(legend.left() + pad, y, legend.width() - 2 * pad, line), "Runs")
    y += 1.5 * line
    swatch = 2 * px
    for color, label in entries:
        painter.setPen(QPen(color, max(px / 6, 2)))
        painter.drawLine(
            round(legend.left() + pad), round(y + line / 2), round(legend.left() + pad + swatch), round(y + line / 2)
        )
        painter.setPen(QColor("#222"))
        text = QRectF(legend.left() + 1.5 * pad + swatch, y, legend.width() - 2.5 * pad - swatch, 2 * line)
        # Long labels wrap onto a second line, and are cut there: the legend never overflows its column.
        bounds = painter.boundingRect(text, Qt.TextFlag.TextWordWrap, label)
        painter.drawText(text, Qt.TextFlag.TextWordWrap, label)
        y += min(bounds.height(), 2 * line) + line / 2
        if y > legend.bottom() - line:
            break

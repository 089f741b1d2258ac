"""Replay animations: a run drawn frame by frame into a GIF, and an MP4 where ffmpeg exists.

A model keeps only its current state, so a :class:`ReplayRecorder` is stepped alongside it and
takes a :class:`sim.mapping.MapSnapshot` at the end of every frame period (a day by default).
:func:`animate_replay` draws the snapshots on one :class:`sim.mapping.TheatreMap`. The relief,
the axes and the legend are rendered once as the background; each frame restores it and draws
only what lies over the relief (matplotlib's blitting), which is several times faster than
redrawing the figure as ``matplotlib.animation`` writers do. Frames go to Pillow for the GIF,
on one palette taken from the first frame (its legend holds every colour the map uses), and
as raw video to ``ffmpeg`` for the MP4.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image
from tqdm import tqdm

from .mapping import MapSnapshot, TheatreMap, snapshot


class ReplayRecorder:
    """Snapshots of a run for its replay, one per frame period.

    The first snapshot is taken at construction; call :meth:`observe` after every step of the
    model (or let :meth:`run` step it).

    Args:
        model: the model to record.
        frame_hours: hours of the operation per frame.
    """

    def __init__(self, model, frame_hours: float = 24.0):
        if frame_hours <= 0:
            raise ValueError(f"frame_hours = {frame_hours}: expected a positive number of hours")
        self.model = model
        self.frame_hours = float(frame_hours)
        self.snapshots: list[MapSnapshot] = [snapshot(model)]
        self._next_frame_h = self.frame_hours

    def observe(self) -> bool:
        """Take a snapshot if a frame period has ended (or the run has); returns whether it did."""
        hours = self.model.time * self.model.spec.step_hours
        if hours + 1e-9 < self._next_frame_h and self.model.running:
            return False
        self.snapshots.append(snapshot(self.model))
        while self._next_frame_h <= hours + 1e-9:
            self._next_frame_h += self.frame_hours
        return True

    def run(self) -> list[MapSnapshot]:
        """Step the model to the end of its run, recording; returns the snapshots."""
        while self.model.running:
            self.model.step()
            self.observe()
        return self.snapshots


def animate_replay(recorder: ReplayRecorder, out_dir: Path, name: str = "replay",
                   fps: float = 4.0, dpi: float = 90, figsize=(12.0, 9.0),
                   mp4: bool | None = None, progress: bool = False) -> dict[str, Path]:
    """Draw a recorded run into ``<name>.gif`` (and ``<name>.mp4``) in ``out_dir``.

    Args:
        recorder: the recorder stepped alongside the run.
        out_dir: the output folder (created if missing).
        name: file name without extension.
        fps: frames per second.
        dpi: resolution (a frame is ``figsize`` x ``dpi`` pixels).
        figsize: frame size in inches.
        mp4: also write an MP4; by default when ffmpeg is installed.
        progress: show a progress bar over the frames.

    Returns:
        The files written, as {"gif": path} and, with an MP4, {"mp4": path}.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ffmpeg = shutil.which("ffmpeg")
    if mp4 is None:
        mp4 = ffmpeg is not None
    if mp4 and ffmpeg is None:
        raise RuntimeError("an MP4 needs ffmpeg on the path")
    paths = {"gif": out_dir / f"{name}.gif"}
    if mp4:
        paths["mp4"] = out_dir / f"{name}.mp4"
    partial = {kind: path.with_name(f".{path.stem}.{os.getpid()}{path.suffix}")
               for kind, path in paths.items()}
    video = None
    try:
        frames = render_frames(recorder, dpi, figsize)
        first = next(frames)
        palette = gif_palette(first, recorder.model.spec)
        if mp4:
            video = _ffmpeg(ffmpeg, partial["mp4"], first.shape[1], first.shape[0], fps)
        gif = []
        bar = tqdm(total=len(recorder.snapshots), desc="frames", unit="frame",
                   disable=not progress, leave=False)
        for frame in _chain(first, frames):
            bar.update(1)
            gif.append(Image.fromarray(frame[..., :3]).quantize(palette=palette,
                                                                dither=Image.Dither.NONE))
            if video is not None:
                video.stdin.write(frame.tobytes())
        bar.close()
        gif[0].save(partial["gif"], format="GIF", save_all=True, append_images=gif[1:],
                    duration=int(round(1000 / fps)), loop=0)
        if video is not None:
            video.stdin.close()
            if video.wait() != 0:
                raise RuntimeError(f"ffmpeg failed: {video.stderr.read().decode()[-500:]}")
            video = None
        for kind, path in paths.items():
            os.chmod(partial[kind], 0o644)
            os.replace(partial[kind], path)
    finally:
        if video is not None:
            video.kill()
        for path in partial.values():
            if path.exists():
                path.unlink()
    return paths


def render_frames(recorder: ReplayRecorder, dpi: float = 90, figsize=(12.0, 9.0)):
    """Yield each snapshot drawn as an RGBA image (height x width x 4 bytes)."""
    model = recorder.model
    fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    canvas = FigureCanvasAgg(fig)
    theatre = TheatreMap(model.world, model.spec, fig.subplots())
    background = None
    for snap in recorder.snapshots:
        theatre.show(snap)
        if background is None:
            fig.set_layout_engine("none")  # every frame keeps the first frame's layout
            over = theatre.frame_artists()
            for artist in over:
                artist.set_visible(False)
            canvas.draw()
            background = canvas.copy_from_bbox(fig.bbox)
            for artist in over:
                artist.set_visible(True)
        canvas.restore_region(background)
        for artist in theatre.frame_artists():
            theatre.ax.draw_artist(artist)
        yield np.array(canvas.buffer_rgba())


def gif_palette(frame: np.ndarray, spec) -> Image.Image:
    """A 256-colour palette for every frame: the first frame's colours and the map's signs.

    Signs that cover little of a frame (cut and closed roads, halos, side colours) would be lost
    to the terrain's many shades, so their colours are set aside first.
    """
    from matplotlib.colors import to_rgb

    from .mapping import CLOSED_ROAD, CUT_ROAD, ROAD_STYLES, WATER
    from .symbols import ENCIRCLED_HALO, light_tint

    signs = [CUT_ROAD["color"], CLOSED_ROAD["color"], ENCIRCLED_HALO, WATER, "#08306b",
             "black", "white"]
    signs += [style["color"] for styles in ROAD_STYLES.values() for style in styles]
    for side in spec.sides.values():
        signs += [side.colour, light_tint(side.colour), light_tint(side.colour, 0.8)]
    fixed = list(dict.fromkeys(tuple(int(round(255 * c)) for c in to_rgb(s)) for s in signs))
    shades = Image.fromarray(frame[..., :3]).quantize(colors=256 - len(fixed),
                                                       method=Image.Quantize.MEDIANCUT)
    colours = shades.getpalette()[: 3 * (256 - len(fixed))]
    palette = Image.new("P", (1, 1))
    palette.putpalette(colours + [c for rgb in fixed for c in rgb])
    return palette


def _chain(first, rest):
    yield first
    yield from rest


def _ffmpeg(ffmpeg: str, path: Path, width: int, height: int, fps: float):
    """An ffmpeg process that encodes raw RGBA frames from its stdin into an H.264 MP4."""
    return subprocess.Popen(
        [ffmpeg, "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgba",
         "-s", f"{width}x{height}", "-r", str(fps), "-i", "-",
         "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2", "-c:v", "libx264", "-pix_fmt", "yuv420p",
         "-movflags", "+faststart", str(path)],
        stdin=subprocess.PIPE, stderr=subprocess.PIPE)

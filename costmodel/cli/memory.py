"""``mobilenet-cost memory``: per-layer activation buffers, the peak layer, flash use and whether it fits."""

from __future__ import annotations

import argparse

from costmodel.cli.common import (
    DB_HELP,
    DefaultsHelpFormatter,
    add_design_point_arguments,
    add_knob_arguments,
    knobs_from,
    write_output,
)
from costmodel.core.report import report
from costmodel.output.frame_format import frame_as_csv
from costmodel.output.table import Column, ExportTable
from costmodel.output.text import format_bytes

COLUMNS = ("layer", "kind", "input_bytes", "output_bytes", "buffer_bytes", "weight_bytes")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "memory",
        help="activation buffers per layer, peak RAM, flash, and whether it fits a device",
        description="Per-layer input, output and buffer bytes (the buffer is what the --planner keeps while "
        "the layer runs), the peak layer, the weight bytes (flash) and, with --device, whether the network "
        "fits its RAM and flash, with the margins.",
        epilog="Example: mobilenet-cost memory --alpha 0.25 --resolution 96 --dtype int8 --device stm32f746",
        formatter_class=DefaultsHelpFormatter,
    )
    add_design_point_arguments(parser)
    parser.add_argument("--device", help="a device key (see `mobilenet-cost devices list`)")
    parser.add_argument("--db", help=DB_HELP + "; holds your own devices")
    parser.add_argument("--format", choices=("text", "csv"), default="text", help="output format")
    parser.add_argument("-o", "--output", help="write to this file instead of standard output")
    parser.add_argument("--force", action="store_true", help="replace an existing output file")
    add_knob_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    device = None
    if args.device is not None:
        from costmodel.latency.store import LatencyStore

        device = LatencyStore(args.db).device(args.device)
    r = report(alpha=args.alpha, rho=args.rho, resolution=args.resolution, **knobs_from(args))
    table = r.table[list(COLUMNS)]
    if args.format == "csv":
        write_output(frame_as_csv(table), args.output, force=args.force)
        return 0
    shown = ExportTable(
        columns=(Column("peak", "peak"), *(Column(c, c, "text" if c in COLUMNS[:2] else "count") for c in COLUMNS)),
        rows=tuple({**row, "peak": "*" if row["layer"] == r.peak_layer else ""} for row in table.to_dict("records")),
    )
    lines = [
        f"MobileNet v1, alpha={r.alpha:g}, resolution={r.resolution}, {r.convention.dtype}, "
        f"{r.convention.planner} planner, {r.convention.input_channels} input channel(s)",
        *(f"note: {n}" for n in r.notes),
        "",
        shown.to_text(rule=False),
        "",
        f"Peak activation memory: {format_bytes(r.totals['peak_activation_bytes'])} at {r.peak_layer}",
        f"Flash (weights and biases, batch norm folded): {format_bytes(r.totals['flash_bytes'])}",
    ]
    if device is not None:
        lines += _fit_lines(r, device)
    write_output("\n".join(lines), args.output, force=args.force)
    return 0


def _fit_lines(r, device) -> list[str]:
    from costmodel.reference.devices import memory_fit

    fit = memory_fit(r, device)

    def verdict(what: str, capacity: int, margin: int) -> str:
        word = "fits" if margin >= 0 else "does NOT fit"
        kind = "margin" if margin >= 0 else "short by"
        return (
            f"  {what}: {word}; {kind} {format_bytes(abs(margin))} of {format_bytes(capacity)} "
            f"({100 * margin / capacity:+.1f} %)"
        )

    lines = ["", f"Device {device.device} ({device.name}; {device.source}):"]
    lines.append(verdict("RAM", device.ram_bytes, fit.ram_margin))
    if fit.flash_margin is None:
        lines.append("  flash: no flash limit recorded for this device")
    else:
        lines.append(verdict("flash", device.flash_bytes, fit.flash_margin))
    lines.append(f"  overall: {'fits' if fit.fits else 'does NOT fit'}")
    return lines

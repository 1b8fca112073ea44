"""``mobilenet-cost devices``: list the built-in and stored devices, add your own, delete them."""

from __future__ import annotations

import argparse

from costmodel.cli.common import DB_HELP, DefaultsHelpFormatter, write_output
from costmodel.core.numbers import parse_decimal, parse_quantity
from costmodel.latency.store import LatencyStore
from costmodel.output.frame_format import frame_as_csv
from costmodel.output.table import Column, ExportTable
from costmodel.reference.devices import DEVICE_FIELDS, builtin_devices

RATES = ("peak_macs_per_s_float32", "peak_macs_per_s_float16", "peak_macs_per_s_int8", "bandwidth_bytes_per_s")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "devices",
        help="list, add and delete devices (RAM, flash, peak MAC/s, bandwidth) for memory and roofline checks",
        description="Devices for `memory --device` and the roofline: the built-in ones of tables/devices.csv "
        "(vendor datasheets) and your own, stored in the SQLite database beside the latency datasets.",
        epilog="Example: mobilenet-cost devices add myboard --ram 256KiB --flash 1MiB --source 'board datasheet rev 2'",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser(
        "list", help="list every device", description="List the built-in and stored devices.",
        epilog="Example: mobilenet-cost devices list --format csv", formatter_class=DefaultsHelpFormatter,
    )  # fmt: skip
    listing.add_argument("--format", choices=("text", "csv"), default="text", help="output format")
    listing.add_argument("--db", help=DB_HELP)
    listing.set_defaults(run=run_list)

    adding = actions.add_parser(
        "add",
        help="store a device of your own (a source is required)",
        description="Store a device: its key, RAM and a source are required; flash, clock, peak MAC/s per "
        "dtype and bandwidth are optional (the roofline needs a peak and the bandwidth).",
        epilog="Example: mobilenet-cost devices add myboard --ram 256KiB --flash 1MiB --source 'datasheet rev 2'",
        formatter_class=DefaultsHelpFormatter,
    )
    adding.add_argument("device", help="key: lower-case letters, digits, '_', '.' or '-'")
    adding.add_argument("--name", help="display name (default: the key)")
    adding.add_argument("--kind", default="user", help="microcontroller, phone SoC, ...")
    adding.add_argument("--ram", required=True, help="RAM for activations: 320KiB, 256KB, 1MiB")
    adding.add_argument("--flash", help="flash for the weights: 1MiB, 2MB (default: no limit)")
    adding.add_argument("--clock-mhz", help="clock in MHz")
    for rate in RATES:
        adding.add_argument(f"--{rate.replace('_', '-')}", dest=rate, help="per second, e.g. 2e9 or 2G")
    adding.add_argument("--note", default="", help="a note shown beside the device")
    adding.add_argument("--source", required=True, help="where the figures come from (datasheet, URL)")
    adding.add_argument("--db", help=DB_HELP)
    adding.set_defaults(run=run_add)

    deleting = actions.add_parser(
        "delete", help="delete a stored device", description="Delete one of your stored devices.",
        epilog="Example: mobilenet-cost devices delete myboard",
    )  # fmt: skip
    deleting.add_argument("device", help="key of a stored device")
    deleting.add_argument("--db", help=DB_HELP)
    deleting.set_defaults(run=run_delete)


LISTED = ("device", "name", "kind", "ram_bytes", "flash_bytes", "builtin")
"""Columns of ``devices list`` (``--format csv`` writes every field)."""


def run_list(args: argparse.Namespace) -> int:
    import pandas as pd

    stored = LatencyStore(args.db).devices()
    rows = [{**vars(d), "builtin": True} for d in builtin_devices().values()]
    rows += [{**vars(d), "builtin": False} for d in stored]
    frame = pd.DataFrame(rows, columns=[*DEVICE_FIELDS, "builtin"])
    if args.format == "csv":
        write_output(frame_as_csv(frame), None)
        return 0
    columns = tuple(Column(c, c, "count" if c.endswith("_bytes") else "text") for c in LISTED)
    rows = tuple(
        {**row, **{c: int(row[c]) for c in ("ram_bytes", "flash_bytes") if row[c] is not None and row[c] == row[c]}}
        for row in frame.to_dict("records")
    )  # byte counts are whole; a missing one (NaN) stays blank
    write_output(ExportTable(columns=columns, rows=rows).to_text(rule=False), None)
    return 0


def run_add(args: argparse.Namespace) -> int:
    row: dict[str, object] = {
        "device": args.device,
        "name": args.name,
        "kind": args.kind,
        "ram_bytes": parse_quantity("--ram", args.ram, "bytes"),
        "flash_bytes": None if args.flash is None else parse_quantity("--flash", args.flash, "bytes"),
        "clock_mhz": None if args.clock_mhz is None else parse_decimal("--clock-mhz", args.clock_mhz),
        "note": args.note,
        "source": args.source,
    }
    for rate in RATES:
        text = getattr(args, rate)
        row[rate] = None if text is None else parse_quantity(f"--{rate.replace('_', '-')}", text, "count")
    device = LatencyStore(args.db).add_device(row)
    print(f"stored device {device.device!r}: RAM {device.ram_bytes:,} bytes")
    return 0


def run_delete(args: argparse.Namespace) -> int:
    LatencyStore(args.db).delete_device(args.device)
    print(f"deleted device {args.device!r}")
    return 0

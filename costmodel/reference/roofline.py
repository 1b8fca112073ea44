"""The roofline: each layer's attainable time on a device, max(MACs / peak MAC/s, traffic / bandwidth).

A layer whose intensity (MACs per byte moved, :data:`~costmodel.core.formulas.METRICS` ``intensity``) is below
the device's ridge point (peak / bandwidth) is memory bound: depthwise layers, with 9 MACs per input value,
sit under the memory roof; pointwise layers, with as many MACs per value as they have output channels, reach
the compute roof. The network's roofline bound is the sum of the layers' attainable times: a lower bound on
latency for a runtime that moves each tensor once and never overlaps layers.

>>> import costmodel
>>> from costmodel.reference.devices import builtin_device
>>> r = costmodel.report(alpha=1.0, resolution=224, dtype="float16")
>>> layers = roofline(r, builtin_device("jetson_nano"))
>>> layers.set_index("layer").loc[["Conv2d_1_depthwise", "Conv2d_1_pointwise"], "bound"].tolist()
['memory', 'compute']
>>> round(roofline_bound_ms(r, builtin_device("jetson_nano")), 3)
2.81
"""

from __future__ import annotations

import pandas as pd

from costmodel.reference.devices import Device


def device_rates(device: Device, dtype: str) -> tuple[float, float]:
    """(peak MAC/s at ``dtype``, bandwidth in bytes/s) of ``device``; ``ValueError`` where either is unknown."""
    peak, bandwidth = device.peak_macs_per_s(dtype), device.bandwidth_bytes_per_s
    if peak is None or bandwidth is None:
        missing = " and no ".join(
            what for what, value in ((f"peak MAC/s at {dtype}", peak), ("memory bandwidth", bandwidth)) if value is None
        )
        raise ValueError(
            f"device {device.device!r} has no {missing}; the roofline needs both (see tables/devices.csv)"
        )
    return peak, bandwidth


def roofline(report, device: Device) -> pd.DataFrame:
    """Per layer of ``report`` (at its ``dtype``): ``layer``, ``kind``, ``macs``, ``traffic_bytes``,
    ``intensity`` (MACs per byte), ``compute_s`` = MACs / peak, ``memory_s`` = traffic / bandwidth,
    ``attainable_s`` (the larger), ``attainable_macs_per_s`` = min(peak, intensity × bandwidth) and ``bound``
    (``"compute"`` or ``"memory"``). ``attrs`` holds the ``peak``, ``bandwidth`` and ``ridge`` (MACs per byte)."""
    peak, bandwidth = device_rates(device, report.convention.dtype)
    table = report.table[["layer", "kind", "macs", "traffic_bytes"]].copy()
    table["intensity"] = table["macs"].astype(float) / table["traffic_bytes"].astype(float)
    table["compute_s"] = table["macs"].astype(float) / peak
    table["memory_s"] = table["traffic_bytes"].astype(float) / bandwidth
    table["attainable_s"] = table[["compute_s", "memory_s"]].max(axis=1)
    table["attainable_macs_per_s"] = (table["intensity"] * bandwidth).clip(upper=peak)
    table["bound"] = ["compute" if c >= m else "memory" for c, m in zip(table.compute_s, table.memory_s, strict=True)]
    table.attrs.update(peak=peak, bandwidth=bandwidth, ridge=peak / bandwidth, device=device.device)
    return table


def roofline_bound_ms(report, device: Device) -> float:
    """The network's roofline latency bound in milliseconds: the sum of its layers' attainable times."""
    return float(roofline(report, device)["attainable_s"].sum() * 1e3)

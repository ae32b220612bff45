"""Readers for the two input formats of the command line: MDGPLIB and CSV.

Errors are raised as :class:`InputError` (a ``ValueError``) with a message
that names the file and line, so the CLI can print one clear line.
"""

import csv
import os
from dataclasses import dataclass

import numpy as np


class InputError(ValueError):
    """Malformed or missing input file."""


@dataclass
class MDGPInstance:
    """An MDGPLIB instance: distance matrix and per-group size bounds."""

    n: int
    g: int
    size_type: str  # "ss" or "ds"
    lo: np.ndarray  # int64[g]
    hi: np.ndarray  # int64[g]
    d: np.ndarray  # float64[n, n], symmetric, zero diagonal
    name: str = ""


def read_mdgplib(path: str) -> MDGPInstance:
    """Read an MDGPLIB instance.

    Format: line 1 ``n g ss|ds a_1 b_1 ... a_g b_g``, then n(n-1)/2 lines
    ``i j d_ij`` with 0-based ids.  Every pair must appear exactly once.
    """
    if not os.path.isfile(path):
        raise InputError(f"{path}: file not found")
    with open(path, encoding="utf-8") as fh:
        header = fh.readline().split()
        if len(header) < 3:
            raise InputError(f"{path}:1: expected 'n g ss|ds a_1 b_1 ...', got {' '.join(header)!r}")
        try:
            n, g = int(header[0]), int(header[1])
        except ValueError:
            raise InputError(f"{path}:1: n and g must be integers") from None
        size_type = header[2]
        if size_type not in ("ss", "ds"):
            raise InputError(f"{path}:1: size type must be 'ss' or 'ds', got {size_type!r}")
        if n < 1 or g < 1 or g > n:
            raise InputError(f"{path}:1: need 1 <= g <= n, got n={n} g={g}")
        if len(header) != 3 + 2 * g:
            raise InputError(f"{path}:1: expected {2 * g} size bounds after 'n g {size_type}', got {len(header) - 3}")
        try:
            bounds = np.array([int(x) for x in header[3:]], dtype=np.int64).reshape(g, 2)
        except ValueError:
            raise InputError(f"{path}:1: size bounds must be integers") from None
        body = fh.read()
    lines = body.split("\n")
    d = np.zeros((n, n))
    seen = 0
    for k, line in enumerate(lines):
        parts = line.split()
        if not parts:
            continue
        lineno = k + 2
        if len(parts) != 3:
            raise InputError(f"{path}:{lineno}: expected 'i j d_ij', got {line.strip()!r}")
        try:
            i, j, v = int(parts[0]), int(parts[1]), float(parts[2])
        except ValueError:
            raise InputError(f"{path}:{lineno}: expected 'i j d_ij', got {line.strip()!r}") from None
        if not (0 <= i < n and 0 <= j < n) or i == j:
            raise InputError(f"{path}:{lineno}: element ids must be distinct and in 0..{n - 1}")
        if not np.isfinite(v):
            raise InputError(f"{path}:{lineno}: distance is not a finite number")
        d[i, j] = v
        d[j, i] = v
        seen += 1
    if seen != n * (n - 1) // 2:
        raise InputError(f"{path}: expected {n * (n - 1) // 2} distance lines, found {seen}")
    lo, hi = bounds[:, 0].copy(), bounds[:, 1].copy()
    if size_type == "ss":
        if n % g:
            raise InputError(f"{path}:1: 'ss' needs n divisible by g (n={n}, g={g})")
        lo[:] = n // g
        hi[:] = n // g
    name = os.path.splitext(os.path.basename(path))[0]
    return MDGPInstance(n=n, g=g, size_type=size_type, lo=lo, hi=hi, d=d, name=name)


def read_participants_csv(path: str):
    """Read a participants CSV with an ``id`` column.

    Returns ``(ids, columns)`` where ``columns`` maps each other column name to
    its list of string values (empty cells stay ``""``).
    """
    if not os.path.isfile(path):
        raise InputError(f"{path}: file not found")
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(f"{path}: empty file") from None
        header = [h.strip() for h in header]
        if "id" not in header:
            raise InputError(f"{path}:1: no 'id' column (columns: {', '.join(header)})")
        if len(set(header)) != len(header):
            raise InputError(f"{path}:1: duplicate column names")
        rows = []
        for lineno, row in enumerate(reader, start=2):
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != len(header):
                raise InputError(f"{path}:{lineno}: expected {len(header)} fields, got {len(row)}")
            rows.append([c.strip() for c in row])
    if not rows:
        raise InputError(f"{path}: no participants")
    idx = header.index("id")
    ids = [r[idx] for r in rows]
    if len(set(ids)) != len(ids):
        raise InputError(f"{path}: duplicate ids")
    columns = {h: [r[c] for r in rows] for c, h in enumerate(header) if h != "id"}
    return ids, columns

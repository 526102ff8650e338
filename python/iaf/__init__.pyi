"""Type stubs of the iaf package (see the docstrings in iaf/__init__.py)."""

import os
from typing import Any, Iterable, Literal, Mapping, Protocol, Sequence, Union

import pandas as pd

__version__: str

class _ArrowStreamExporter(Protocol):
    def __arrow_c_stream__(self, requested_schema: object | None = ...) -> object: ...

_Path = Union[str, bytes, os.PathLike[str], os.PathLike[bytes]]
Data = Union[_Path, Sequence[_Path], pd.DataFrame, pd.Series, _ArrowStreamExporter]
Names = Union[str, Iterable[str]]

class Error(Exception):
    status: str
    file: str
    line: int
    column: int
    offset: int
    where: str
    message: str
    def __init__(self, text: str, status: str = ..., file: str = ..., line: int = ...,
                 column: int = ..., offset: int = ..., where: str = ...,
                 message: str = ...) -> None: ...

class IOError_(Error, OSError): ...
class ParseError(Error, ValueError): ...
class UnsupportedError(Error, ValueError): ...
class InvalidError(Error, ValueError): ...
class LimitError(Error, ValueError): ...

def version() -> str: ...

def count(
    data: Data,
    by: Names,
    where: str | None = ...,
    weight: str | None = ...,
    *,
    missing: Iterable[str] | None = ...,
    normalize: str | None = ...,
    threads: int = ...,
    format: Literal["auto", "csv", "jsonl", "parquet"] | None = ...,
    encoding: str | None = ...,
    delimiter: str | None = ...,
) -> pd.DataFrame: ...

class Comparison:
    by: list[str]
    metrics: dict[str, float]
    intervals: pd.DataFrame
    screens: pd.DataFrame
    cells: pd.DataFrame
    coverage: dict[str, Any]
    verdict: Literal["PASS", "FLAG", "INCONCLUSIVE"] | None
    diagnosis: str | None
    no_verdict: str | None
    n_synthetic: float
    n_reference: float
    def to_dict(self) -> dict[str, Any]: ...
    def _repr_html_(self) -> str: ...

def compare(
    synthetic: Data,
    reference: Data,
    by: Names,
    bootstrap: int = ...,
    seed: int | None = ...,
    thresholds: Mapping[str, float] | None = ...,
    *,
    where: str | None = ...,
    weight: str | None = ...,
    reference_where: str | None = ...,
    reference_weight: str | None = ...,
    n: float | None = ...,
    reference_n: float | None = ...,
    form: Literal["auto", "microdata", "counts"] | None = ...,
    reference_form: Literal["auto", "microdata", "counts"] | None = ...,
    recode: Mapping[str, Mapping[Any, Any]] | None = ...,
    bins: Mapping[str, Sequence[float]] | None = ...,
    counts: str | None = ...,
    reference_counts: str | None = ...,
    missing: Iterable[str] | None = ...,
    normalize: str | None = ...,
    interval: Literal["calibrated", "basic"] | None = ...,
    encoding: str | None = ...,
    threads: int = ...,
) -> Comparison: ...

def scan(
    data: Data,
    reference: Data | None = ...,
    card: _Path | None = ...,
    *,
    columns: Iterable[str] | None = ...,
    skip: Iterable[str] | None = ...,
    weight: str | None = ...,
    max_categories: int = ...,
    where: str | None = ...,
    null: int = ...,
    seed: int | None = ...,
    reference_form: Literal["auto", "microdata", "counts"] | None = ...,
    reference_weight: str | None = ...,
    reference_n: float | None = ...,
    bootstrap: int = ...,
    tau_ret: float = ...,
    missing: Iterable[str] | None = ...,
    normalize: str | None = ...,
    threads: int = ...,
    format: Literal["auto", "csv", "jsonl", "parquet"] | None = ...,
    encoding: str | None = ...,
    delimiter: str | None = ...,
) -> pd.DataFrame: ...

class Report:
    @property
    def name(self) -> str | None: ...
    @property
    def checks(self) -> pd.DataFrame: ...
    @property
    def cells(self) -> pd.DataFrame: ...
    @property
    def headline(self) -> str: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_markdown(self) -> str: ...
    def to_html(self) -> str: ...
    def save(self, directory: _Path) -> list[str]: ...
    def _repr_html_(self) -> str: ...

def load_report(path: Union[_Path, str, bytes]) -> Report: ...

def audit(
    spec: Union[_Path, Mapping[str, Any]],
    out: _Path | None = ...,
    *,
    microdata: Union[_Path, Sequence[_Path], None] = ...,
    tables: Mapping[str, pd.DataFrame] | None = ...,
    threads: int = ...,
    bootstrap: int | None = ...,
    seed: int | None = ...,
    interval: Literal["calibrated", "basic"] | None = ...,
    no_bootstrap: bool = ...,
    base: _Path | None = ...,
) -> Report: ...

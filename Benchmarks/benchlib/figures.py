"""Figures as they are measured: one printed line each, kept for BENCHMARKS.md."""
from dataclasses import dataclass, field

from . import proc


@dataclass
class Figure:
    scenario: str
    name: str
    value: float
    unit: str
    fmt: str = "{:.0f}"
    target: str = ""
    met: bool | None = None
    load: str = ""
    note: str = ""

    def value_text(self):
        return self.fmt.format(self.value) + (f" {self.unit}" if self.unit else "")

    def verdict(self):
        if self.met is None:
            return ""
        return "met" if self.met else "MISSED"

    def line(self):
        text = f"{self.scenario} | {self.name}: {self.value_text()}"
        if self.target:
            text += f"  [target {self.target}: {self.verdict()}]"
        text += f"  ({self.load})"
        if self.note:
            text += f"  -- {self.note}"
        return text


@dataclass
class Results:
    figures: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def add(self, scenario, name, value, unit="", fmt="{:.0f}", target="", met=None, note="", load=None):
        figure = Figure(scenario, name, value, unit, fmt, target, met, load or proc.load_text(), note)
        self.figures.append(figure)
        print(figure.line(), flush=True)
        return figure

    def note(self, scenario, text):
        self.notes.append((scenario, text))
        print(f"{scenario} | note: {text}", flush=True)

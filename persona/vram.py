"""GPU memory per phase (load, train, inference): NVML's device-wide peak, sampled by a thread, and torch's
peak reserved / allocated, reset at the start of each phase.

Units: figures are kept in GiB (2**30 bytes) as torch and nvidia-smi think of them; the plan's budgets
("<15GB training, <8GB inference") are read as GB = 10**9 bytes, the stricter reading, and compared with
`gb()` — so a 15 GB budget is 13.97 GiB.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from persona import device

GIB = 2**30
GB = 10**9


def gb(gib: float) -> float:
    """GiB -> GB (10**9 bytes)."""
    return gib * GIB / GB


def free_cuda() -> None:
    """Release what Python no longer references, then torch's cached blocks."""
    import gc

    import torch

    gc.collect()
    if device.cuda_available():
        torch.cuda.empty_cache()


def peak_memory_gib() -> dict:
    """Peak memory so far, in GiB: torch's CUDA counters on GPU, the process's peak RSS on CPU."""
    import resource

    if device.cuda_available():
        return torch_peaks_gib()
    return {"rss_peak_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 3)}


def torch_peaks_gib() -> dict:
    """torch's peak reserved and allocated CUDA memory since the last reset, in GiB."""
    import torch

    return {"torch_reserved_gib": round(torch.cuda.max_memory_reserved() / GIB, 3),
            "torch_allocated_gib": round(torch.cuda.max_memory_allocated() / GIB, 3)}


class NvmlSampler:
    """Samples device-wide used memory every `interval` seconds on a daemon thread; keeps the peak.

    Device-wide means every process on the GPU counts, as it does for whoever has to fit the job on a card.
    """

    def __init__(self, device_index: int = 0, interval: float = 0.05):
        import pynvml

        pynvml.nvmlInit()
        self._nvml = pynvml
        self._handle = pynvml.nvmlDeviceGetHandleByIndex(device_index)
        self.interval = interval
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def used_bytes(self) -> int:
        return self._nvml.nvmlDeviceGetMemoryInfo(self._handle).used

    @property
    def peak_gib(self) -> float:
        return round(max(self.peak_bytes, self.used_bytes()) / GIB, 3)

    def reset(self) -> None:
        self.peak_bytes = self.used_bytes()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_bytes = max(self.peak_bytes, self.used_bytes())
            self._stop.wait(self.interval)

    def start(self) -> "NvmlSampler":
        self.reset()
        self._thread = threading.Thread(target=self._run, name="nvml-sampler", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1)


@dataclass
class Phase:
    name: str
    seconds: float = 0.0
    nvml_peak_gib: float = 0.0
    """Device-wide peak during the phase (all processes)."""
    torch_reserved_gib: float = 0.0
    torch_allocated_gib: float = 0.0

    @property
    def peak_gb(self) -> float:
        """What a budget is compared with: the device-wide peak where NVML answers, else torch's reserved."""
        return round(gb(self.nvml_peak_gib or self.torch_reserved_gib), 3)


@dataclass
class VramMonitor:
    """`with monitor.phase("train"):` records one Phase per block; a no-op without CUDA."""
    phases: dict[str, Phase] = field(default_factory=dict)
    sampler: NvmlSampler | None = None

    @classmethod
    def start(cls) -> "VramMonitor":
        if not device.cuda_available():
            return cls()
        try:
            sampler = NvmlSampler().start()
        except Exception:  # NVML missing (e.g. a container without the library): torch's figures still count
            sampler = None
        return cls(sampler=sampler)

    def phase(self, name: str):
        return _PhaseBlock(self, name)

    def to_json(self) -> dict:
        return {name: {**vars(p), "peak_gb": p.peak_gb} for name, p in self.phases.items()}

    def stop(self) -> None:
        if self.sampler is not None:
            self.sampler.stop()


class _PhaseBlock:
    def __init__(self, monitor: VramMonitor, name: str):
        self.monitor, self.name = monitor, name

    def __enter__(self) -> Phase:
        import torch

        self.phase = self.monitor.phases.setdefault(self.name, Phase(self.name))
        if device.cuda_available():
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            if self.monitor.sampler is not None:
                self.monitor.sampler.reset()
        self.started = time.perf_counter()
        return self.phase

    def __exit__(self, *exc) -> None:
        import torch

        self.phase.seconds += time.perf_counter() - self.started
        if not device.cuda_available():
            return
        torch.cuda.synchronize()
        peaks = torch_peaks_gib()
        self.phase.torch_reserved_gib = max(self.phase.torch_reserved_gib, peaks["torch_reserved_gib"])
        self.phase.torch_allocated_gib = max(self.phase.torch_allocated_gib, peaks["torch_allocated_gib"])
        if self.monitor.sampler is not None:
            self.phase.nvml_peak_gib = max(self.phase.nvml_peak_gib, self.monitor.sampler.peak_gib)

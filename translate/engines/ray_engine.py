"""Translation and alignment on a Ray cluster, local or remote: ``translate --engine ray``.

What runs where. The driver (the ``translate`` process) does everything that decides a run's
files: finding and reading documents, paragraphs, deduplication, the batch plan, the SQLite cache
and resume, and writing every output. The cluster gets only the work the cache does not have:
batches of pieces to translate, and distinct (French, English) paragraphs to split into sentences
and align. So a Ray run writes the bytes a local run writes, and a killed driver loses at most
the batches in flight, since each batch is committed to the cache as it comes back.

Each worker is a Ray actor that loads the real backend once, with ``load_backend`` (a CTranslate2
translator cannot be pickled, and loading per task would cost more than the task), and the
sentence encoder once, on its first alignment.

Why a plain pool of actors rather than Ray Data or ``ray.util.ActorPool``: the batches are
already planned (by token budget and output bound; the plan decides which pieces go again), must
reach the model as planned, and must come back in order, as they finish, so that the cache takes
each at once. Ray Data cuts rows into blocks its own way, keeps order only when asked, and adds
its streaming executor's start-up to every run. ``ActorPool.map`` keeps order, but gives an
actor its next task only once the caller has taken that actor's result in order, so an actor
that finishes early waits idle. Here each actor gets tasks in turn, up to ``DEPTH`` queued, so it
never waits for the driver; results are taken in request order; and the driver holds at most
``actors x DEPTH`` results at a time, however large the run.

Failures: an actor whose process dies is restarted (``MAX_RESTARTS``) and its unfinished tasks
run again (``MAX_TASK_RETRIES``); work that still fails stops the run with one line, the finished
batches kept. No Ray, or no cluster at the address, is one line before any work.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import logging
import math
import os
import signal
import socket
import sys
import tempfile
import threading
from collections import deque
from dataclasses import dataclass, replace
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Sequence

from aligned import Lexicon
from translate.backends import BatchRequest, DecodingSettings, MarianTokenCounts, Output
from translate.backends.loading import load_backend
from translate.backends.marian_tokenizer import load_tokenizer
from translate.errors import EXIT_WRITE, StopRun, first_line
from translate.model_files import ModelError, ModelFiles, fingerprint, resolve_model
from translate.pipeline import Alignment, align_pair

DEPTH = 2  # tasks queued per actor: one running, one waiting, so no actor waits for the driver
ALIGN_CHUNK = 16  # most paragraph pairs per alignment task (one pair is a few milliseconds of work)
MAX_RESTARTS = 3  # times a dead actor is started again
MAX_TASK_RETRIES = 3  # times a task of a dead actor is run again on its restarted self
# Test hook: with this set (in the driver's environment) to a path, the first worker call to
# create that file kills its own process, as a lost node would, mid-batch; later calls run normally.
CRASH_ONCE = "TRANSLATE_RAY_CRASH_ONCE"
INSTALL = "pip install 'fr-en-translate[ray]'"
WARNING = "translate: warning: "


class ClusterFailed(StopRun):
    """Work on the cluster failed for good mid-run: the finished batches are in the cache, and
    the same command resumes (the status of a run stopped mid-way, as by a full disk)."""

    status = EXIT_WRITE


@dataclass(frozen=True)
class WorkerSpec:
    """What every actor loads: the run's model, backend and settings, and the aligner's dictionary."""

    model: ModelFiles
    backend: str
    settings: DecodingSettings
    device: str
    threads: int | None
    compute_type: str
    lexicon: Lexicon | None
    crash_marker: str | None = None  # CRASH_ONCE's path


class RayEngine:
    """A run's connection to a Ray cluster and its pool of workers there; ``close`` ends both.

    ``backend`` is the Backend the Translator uses, ``map_alignments`` the pipeline's AlignMap.
    """

    def __init__(
        self,
        address: str | None,
        spec: WorkerSpec,
        actors: int | None,
        actor_cpus: float,
        actor_gpus: float,
        warn: Callable[[str], None],
    ):
        self._ray = _import_ray()
        self._owns_connection = _connect(self._ray, address)
        self.actors: list[Any] = []
        try:
            self.actors = _start_workers(self._ray, spec, actors, actor_cpus, actor_gpus)
            # The tokenizer counts tokens for the batch plan; it loads here while the actors load there.
            tokenizer = load_tokenizer(spec.model)
            description = _agreed(self._descriptions())
        except BaseException:
            self.close()
            raise
        for note in description["notes"]:
            warn(note)
        self.backend = RayBackend(self, tokenizer, description)

    def _descriptions(self) -> list[dict]:
        try:
            return self._ray.get([actor.describe.remote() for actor in self.actors])
        except self._ray.exceptions.RayError as error:  # a worker died while loading (out of memory ...)
            raise StopRun(
                f"the Ray workers could not start ({type(error).__name__}: {first_line(error)}); check the nodes' "
                "memory and logs (ray status)"
            ) from None

    def map_alignments(self, pairs: Sequence[tuple[str, str]]) -> Iterator[Alignment]:
        """Each pair split and aligned on the cluster; alignments in order, as they come back."""
        size = max(1, min(ALIGN_CHUNK, math.ceil(len(pairs) / (len(self.actors) * DEPTH))))
        for alignments in self.ordered("align", _chunks(pairs, size)):
            yield from alignments

    def ordered(self, method: str, items: Iterable[Any]) -> Iterator[Any]:
        """``method`` of the workers on each item, in turn over the actors; results in item order."""
        pending: deque = deque()
        for index, item in enumerate(items):
            actor = self.actors[index % len(self.actors)]
            pending.append(getattr(actor, method).remote(item))
            if len(pending) >= len(self.actors) * DEPTH:
                yield self._result(pending.popleft())
        while pending:
            yield self._result(pending.popleft())

    def _result(self, reference: Any) -> Any:
        try:
            return self._ray.get(reference)
        except self._ray.exceptions.RayError as error:
            cause = getattr(error, "cause", None) or error  # a task's own exception, else Ray's
            raise ClusterFailed(
                f"work on the Ray cluster failed ({type(cause).__name__}: {first_line(cause)}); finished batches are "
                "kept in the cache, run the same command again to resume"
            ) from None

    def close(self) -> None:
        """Stop the workers (a task in flight is abandoned: its batch was not cached) and
        disconnect, stopping the local Ray if this run started it."""
        for actor in self.actors:
            with contextlib.suppress(Exception):
                self._ray.kill(actor, no_restart=True)
        self.actors = []
        if self._owns_connection:
            self._ray.shutdown()
            self._owns_connection = False


class RayBackend(MarianTokenCounts):
    """The Backend protocol over the workers: tokens are counted here (the tokenizer only, the
    batch plan needs them), batches are decoded on the cluster. ``name`` and ``compute_type``
    are what the workers loaded, so the cache key is a local run's and the two share a cache."""

    def __init__(self, engine: RayEngine, tokenizer: Any, description: dict):
        self._engine = engine
        self.tokenizer = tokenizer
        self.name = description["name"]
        self.compute_type = description["compute_type"]
        self.max_positions = description["max_positions"]
        self.cache_bytes_per_token = description["cache_bytes_per_token"]
        self._per_call = description["workers"]  # batches an actor's backend decodes side by side
        self.workers = len(engine.actors) * self._per_call

    def translate_batch(self, texts: Sequence[str], max_new_tokens: int) -> list[Output]:
        return next(self.translate_batches([(texts, max_new_tokens)]))

    def translate_batches(self, requests: Iterable[BatchRequest]) -> Iterator[list[Output]]:
        for outputs in self._engine.ordered("translate", _chunks(requests, self._per_call)):
            yield from outputs


class Worker:
    """One actor: the backend loaded once; the aligner's encoder loaded on its first alignment.

    A load that fails (the model missing on this node ...) is kept as one line for the driver to
    report, rather than killing the actor, which Ray would only restart to fail again.
    """

    def __init__(self, spec: WorkerSpec):
        self.spec = spec
        self.backend: Any = None
        self.error: str | None = None
        printed = io.StringIO()
        try:
            with contextlib.redirect_stderr(printed):  # load_backend's warnings go to the driver
                model = _model_on_this_node(spec.model)
                self.backend = load_backend(
                    spec.backend, model, spec.settings, spec.device, spec.threads, spec.compute_type
                )
        except StopRun as error:
            self.error = f"on Ray node {socket.gethostname()}: {error}"
        self.notes = [
            line.removeprefix(WARNING) for line in printed.getvalue().splitlines() if line.startswith(WARNING)
        ]

    def describe(self) -> dict:
        if self.error:
            return {"error": self.error}
        return {
            "name": self.backend.name,
            "compute_type": getattr(self.backend, "compute_type", None),
            "max_positions": self.backend.max_positions,
            "cache_bytes_per_token": self.backend.cache_bytes_per_token,
            "workers": self.backend.workers,
            "notes": self.notes,
        }

    def translate(self, requests: list[BatchRequest]) -> list[list[Output]]:
        if self.spec.crash_marker:
            _crash_once(self.spec.crash_marker)
        return list(self.backend.translate_batches(requests))

    def align(self, pairs: list[tuple[str, str]]) -> list[Alignment]:
        return [align_pair(french, english, self.spec.lexicon) for french, english in pairs]


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise StopRun(f"--engine ray needs Ray, which is not installed; {INSTALL}") from None
    return ray


def _connect(ray: Any, address: str | None) -> bool:
    """Connect to the cluster at ``address``, else at RAY_ADDRESS, else start a local Ray for
    this run; returns whether this run made the connection (and so ends it). A process that is
    already connected (a test, a notebook) keeps its connection."""
    if ray.is_initialized():
        return False
    address = address or os.environ.get("RAY_ADDRESS") or None
    if address and address not in ("auto", "local"):
        _check_reachable(address)
    options: dict[str, Any] = {"logging_level": logging.ERROR}
    if not address or address == "local":
        options.update(include_dashboard=False, log_to_driver=False)
    elif "://" not in address:  # Ray Client (ray://) takes fewer options
        options.update(log_to_driver=False)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGTERM) if main_thread else None
    with tempfile.TemporaryFile() as said:
        try:
            with _stderr_into(said):  # Ray's own lines, a dozen while it retries a refused connection
                ray.init(address=address or "local", **options)
        except Exception as error:
            said.seek(0)
            if not address or address == "local":
                raise StopRun(
                    f"cannot start a local Ray ({first_line(error)}); pass --ray-address of a cluster"
                ) from None
            if b"Unauthenticated" in said.read():
                raise StopRun(
                    f"the Ray cluster at {address} refused this machine's authentication token; set "
                    "RAY_AUTH_MODE=token and give it the cluster's token (its ~/.ray/auth_token, or RAY_AUTH_TOKEN)"
                ) from None
            raise StopRun(_unreachable(address, first_line(error))) from None
        finally:
            if main_thread and previous is not None:  # ray.init makes SIGTERM exit at once; keep ours (Ctrl-C's)
                signal.signal(signal.SIGTERM, previous)
    return True


@contextlib.contextmanager
def _stderr_into(file: BinaryIO) -> Iterator[None]:
    """Send this process's file descriptor 2 (where Ray's C++ core logs) into ``file`` for a while."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        os.dup2(file.fileno(), 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def _check_reachable(address: str) -> None:
    """Fail in seconds where Ray itself would retry for a minute: is anything listening there?"""
    host, _, port = address.split("://")[-1].rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=5):
            pass
    except ValueError:
        raise StopRun(_unreachable(address, "no port: give HOST:PORT, such as 10.0.0.5:6379")) from None
    except OSError as error:
        raise StopRun(_unreachable(address, error.strerror or type(error).__name__)) from None


def _unreachable(address: str, why: str) -> str:
    return f"cannot reach the Ray cluster at {address} ({why}); start it with 'ray start --head' or check --ray-address"


def _start_workers(ray: Any, spec: WorkerSpec, actors: int | None, cpus: float, gpus: float) -> list[Any]:
    total = ray.cluster_resources()
    have_cpus, have_gpus = total.get("CPU", 0.0), total.get("GPU", 0.0)
    limits = [int(have // need) for have, need in ((have_cpus, cpus), (have_gpus, gpus)) if need]
    fits = min(limits) if limits else actors or 1
    count = actors or fits
    if count < 1 or count > fits:
        raise StopRun(
            f"{count or 1} actor(s) of {cpus:g} CPU(s) and {gpus:g} GPU(s) each do not fit the Ray cluster "
            f"({have_cpus:g} CPUs, {have_gpus:g} GPUs); lower --actors, --actor-cpus or --actor-gpus, or add nodes"
        )
    options: dict[str, Any] = {
        "num_cpus": cpus,
        "num_gpus": gpus,
        "max_restarts": MAX_RESTARTS,
        "max_task_retries": MAX_TASK_RETRIES,
    }
    # The driver's model directory may be relative to where it runs; the actors run elsewhere.
    model = replace(spec.model, directory=spec.model.directory.resolve())
    spec = replace(spec, model=model, crash_marker=os.environ.get(CRASH_ONCE) or None)
    remote = ray.remote(Worker).options(**options)
    return [remote.remote(spec) for _ in range(count)]


def _agreed(descriptions: list[dict]) -> dict:
    """The one engine every worker loaded; a node that could not load it, or loaded another (an
    ``auto`` choice that differs between nodes), stops the run before any work."""
    for description in descriptions:
        if "error" in description:
            raise ModelError(description["error"])
    engines = {(d["name"], d["compute_type"], d["max_positions"], d["workers"]) for d in descriptions}
    if len(engines) > 1:
        found = ", ".join(sorted(f"{name}:{kind}" for name, kind, _, _ in engines))
        raise StopRun(
            f"the Ray workers loaded different engines ({found}); pass --backend and --compute-type explicitly"
        )
    notes = list(dict.fromkeys(note for description in descriptions for note in description["notes"]))
    return {**descriptions[0], "notes": notes}


def _model_on_this_node(model: ModelFiles) -> ModelFiles:
    """The driver's model, found on this node: the same directory, or for a hub id this node's
    hub cache; its files must be the driver's (they key the cache)."""
    if model.directory.is_dir():
        here = model
    elif model.revision is not None:  # a hub id: this node's own copy
        here = resolve_model(model.requested)
    else:
        raise ModelError(
            f"--model {model.requested}: {model.directory} is not on this node; put the model where every node "
            "reads it (a shared folder) or pass a hub id"
        )
    if fingerprint(here.directory) != model.fingerprint:
        raise ModelError(
            f"--model {model.requested}: the files in {here.directory} differ from the driver's; give every node the "
            "same model"
        )
    return here


def _crash_once(marker: str) -> None:
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return
    os._exit(1)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of ``size`` (the last shorter), taken lazily."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk

"""Execute every lesson from a fresh kernel, in place, time it, and collect its headline results.

    python -m helpers.benchmark                    # all notebooks, default backend (TensorFlow)
    python -m helpers.benchmark 03 07              # only lessons 03 and 07 (others keep theirs)
    python -m helpers.benchmark --backend jax      # every lesson on JAX (also: torch)

Writes ``notebooks/results.json`` as ``{stem: {"seconds": s, "reference_seconds": r,
"relative": s / r, "results": {name: {"value": v, "goal": [op, x], "met": bool}}}}`` and
refreshes the course table in ``README.md`` (between the ``course-table`` markers). The
notebooks are saved with their fresh outputs, ready to commit.

On another backend (``--backend jax`` or ``torch``) the lessons are executed the same way but
not saved (the stored outputs stay the default backend's): the run time, its reference ratio
and how many goals were met go into the lesson's ``"backends"`` entry, and into the table.

Run time is also given as a multiple of a fixed reference workload (one epoch of a small Keras
MLP on fixed synthetic data, always on TensorFlow), timed in the same run, so runs on slower or
busier machines, and on different backends, read the same. A notebook that raises, reports no
results, or reports under another name fails.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .report import RESULTS_DIR_ENV, format_goal, read_results
from .slides import tag_slides

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
RESULTS = NOTEBOOKS / "results.json"
README = ROOT / "README.md"
START, END = "<!-- course-table:start -->", "<!-- course-table:end -->"


REFERENCE_CODE = """
import time, numpy as np, helpers
helpers.setup(0, verbose=False)
import keras
x = np.random.default_rng(0).random((20_000, 784), dtype=np.float32)
model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(256, activation="relu"),
                          keras.layers.Dense(784)])
model.compile(optimizer="adam", loss="mse")
model.fit(x[:256], x[:256], epochs=1, batch_size=128, verbose=0)       # build and trace first
start = time.perf_counter()
model.fit(x, x, epochs=1, batch_size=128, verbose=0)
print(time.perf_counter() - start)
"""


DEFAULT_BACKEND = "tensorflow"
OTHER_BACKENDS = {"jax": "JAX", "torch": "PyTorch"}


def reference_seconds(repeats: int = 3) -> float:
    """Seconds of the fixed reference workload (the fastest of ``repeats`` fresh processes),
    on the default backend whatever the lessons run on, so every ratio has one yardstick."""
    times = []
    env = {**os.environ, "KERAS_BACKEND": DEFAULT_BACKEND}
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", REFERENCE_CODE],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env=env,
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return min(times)


def store_as_jupyterlab_would(nb) -> None:
    """Give ``nb`` the metadata JupyterLab sets on opening, so opening it does not mark it changed.

    JupyterLab replaces a kernelspec whose display name differs from the installed kernel's
    ("Python 3" vs "Python 3 (ipykernel)") and adds missing cell ids: either makes a freshly
    opened lesson show unsaved changes before any edit.
    """
    import uuid

    from jupyter_client.kernelspec import get_kernel_spec

    spec = get_kernel_spec("python3")
    nb.metadata["kernelspec"] = {
        "display_name": spec.display_name,
        "language": spec.language,
        "name": "python3",
    }
    for cell in nb.cells:
        if not cell.get("id"):
            cell["id"] = uuid.uuid4().hex[:8]


BUDGET_SECONDS = 90
RUN_TIME = re.compile(r"\*\*Run time\*\*:.*?(?=\n\n|\Z)", re.DOTALL)


def run_time_sentence(seconds: float, reference: float | None = None) -> str:
    """The header's run-time sentence, from a measured time (and the reference workload's)."""
    if seconds <= 0:
        raise ValueError(f"seconds must be positive, got {seconds}")
    text = (
        f"**Run time**: {seconds:.0f} s on a 2-core laptop CPU, "
        "as the course benchmark measured it"
    )
    if reference:
        text += f"\n({seconds / reference:.0f} × its reference workload, timed in the same run)"
    if seconds > BUDGET_SECONDS:
        return text + f" — over the course's {BUDGET_SECONDS} s budget per lesson."
    return text + "."


def stamp_run_time(nb, seconds: float, reference: float | None = None) -> bool:
    """Replace the ``**Run time**:`` paragraph of the first markdown cell; True if one was found."""
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        if not RUN_TIME.search(source):
            return False
        cell["source"] = RUN_TIME.sub(lambda _: run_time_sentence(seconds, reference), source, 1)
        return True
    return False


def run_notebook(
    path: Path, timeout: int = 900, reference: float | None = None, backend: str | None = None
) -> tuple[float, dict[str, dict]]:
    """Execute ``path`` from a fresh kernel; returns (wall seconds, reported results).

    On the default backend the notebook is saved in place with its outputs; on ``backend``
    (``jax`` or ``torch``) it is executed with ``KERAS_BACKEND`` set and not saved.
    Raises when a cell fails, or when the notebook reports no results or under another name.
    """
    import nbformat
    from nbclient import NotebookClient

    backend = backend or DEFAULT_BACKEND
    if backend != DEFAULT_BACKEND and backend not in OTHER_BACKENDS:
        raise ValueError(f"backend must be one of tensorflow, {', '.join(OTHER_BACKENDS)}, "
                         f"got {backend!r}")
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        saved_env = {k: os.environ.get(k) for k in (RESULTS_DIR_ENV, "KERAS_BACKEND")}
        os.environ[RESULTS_DIR_ENV] = tmp
        os.environ["KERAS_BACKEND"] = backend
        try:
            client = NotebookClient(
                nb,
                timeout=timeout,
                kernel_name="python3",
                record_timing=False,
                resources={"metadata": {"path": str(path.parent)}},
            )
            start = time.perf_counter()
            client.execute()
            seconds = time.perf_counter() - start
        finally:
            for key, old in saved_env.items():
                if old is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = old
        results = read_results(tmp, path.stem)
    if backend != DEFAULT_BACKEND:
        return seconds, results
    stamp_run_time(nb, seconds, reference)
    tag_slides(nb)
    store_as_jupyterlab_would(nb)
    nbformat.write(nb, path)
    return seconds, results


def lesson_title(path: Path) -> str:
    """The topic of a lesson: its ``# NN — Topic`` heading without the number."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    title = line[2:].strip()
                    number, _, rest = title.partition(" — ")
                    return rest if number.isdigit() and rest else title
    return path.stem


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.6g}"


def _headline(name: str, record: dict) -> str:
    text = f"`{name}` = {_fmt(record['value'])}"
    if "goal" in record:
        status = "met" if record["met"] else "**not met**"
        text += f" (goal {format_goal(tuple(record['goal']))}: {status})"
    return text


def _backend_seconds(entry: dict, backend: str) -> str:
    run = entry.get("backends", {}).get(backend)
    return f"{run['seconds']:.0f}" if run else "–"


def course_table(results: dict) -> str:
    rows = [
        "| lesson | topic | TensorFlow (s) | × reference | "
        + " | ".join(f"{name} (s)" for name in OTHER_BACKENDS.values())
        + " | headline results (goal: met / not met) |",
        "|---|---|---|---|" + "---|" * len(OTHER_BACKENDS) + "---|",
    ]
    for stem in sorted(results):
        path = NOTEBOOKS / f"{stem}.ipynb"
        if not path.exists():
            continue
        entry = results[stem]
        headline = ", ".join(_headline(k, v) for k, v in entry["results"].items())
        relative = f"{entry['relative']:.0f}" if "relative" in entry else "–"
        rows.append(
            f"| [{stem[:2]}](notebooks/{stem}.ipynb) | {lesson_title(path)} | "
            f"{entry['seconds']:.0f} | {relative} | "
            + "".join(f"{_backend_seconds(entry, b)} | " for b in OTHER_BACKENDS)
            + f"{headline} |"
        )
    return "\n".join(rows)


def update_readme(results: dict) -> None:
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"README.md has no {START} ... {END} markers; table not written", file=sys.stderr)
        return
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{course_table(results)}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("lessons", nargs="*", help="lesson numbers (01 … 09); default: all")
    parser.add_argument("--backend", default=DEFAULT_BACKEND,
                        choices=[DEFAULT_BACKEND, *OTHER_BACKENDS],
                        help="Keras backend to run the lessons on (default: %(default)s)")
    args = parser.parse_args(argv)
    paths = sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if args.lessons:
        wanted = {n.zfill(2) for n in args.lessons}
        paths = [p for p in paths if p.name[:2] in wanted]
        if not paths:
            parser.error(f"no notebook matches {args.lessons}")
    failures = []
    measured = {}
    reference = reference_seconds()
    print(f"reference workload: {reference:.2f} s; lessons on {args.backend}", flush=True)
    for path in paths:
        print(f"{path.name} …", flush=True)
        try:
            seconds, results = run_notebook(path, reference=reference, backend=args.backend)
        except Exception as err:  # report every failing lesson, then exit non-zero
            failures.append(path.name)
            print(f"  FAILED: {type(err).__name__}: {str(err)[-2000:]}", flush=True)
            continue
        run = {
            "seconds": round(seconds, 1),
            "reference_seconds": round(reference, 3),
            "relative": round(seconds / reference, 1),
        }
        if args.backend == DEFAULT_BACKEND:
            measured[path.stem] = {**run, "results": results}
        else:
            goals = [r["met"] for r in results.values() if "met" in r]
            measured[path.stem] = {**run, "goals_met": sum(goals), "goals": len(goals)}
        print(
            f"  {seconds:.1f} s ({seconds / reference:.0f} × reference)  "
            f"{ {k: v['value'] for k, v in results.items()} }",
            flush=True,
        )
    with open(NOTEBOOKS / ".results.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stored = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        for stem, run in measured.items():
            if args.backend == DEFAULT_BACKEND:
                run["backends"] = stored.get(stem, {}).get("backends", {})
                stored[stem] = run
            elif stem in stored:
                stored[stem].setdefault("backends", {})[args.backend] = run
            else:
                print(f"{stem}: no {DEFAULT_BACKEND} entry yet; run it on {DEFAULT_BACKEND} first",
                      file=sys.stderr)
                failures.append(stem)
        stored = {k: stored[k] for k in sorted(stored) if (NOTEBOOKS / f"{k}.ipynb").exists()}
        RESULTS.write_text(json.dumps(stored, indent=2) + "\n", encoding="utf-8")
        update_readme(stored)
    if args.backend == DEFAULT_BACKEND:
        total = sum(v["seconds"] for v in stored.values())
    else:
        total = sum(v.get("backends", {}).get(args.backend, {}).get("seconds", 0)
                    for v in stored.values())
    print(
        f"total {total:.0f} s on {args.backend} over {len(stored)} notebooks; "
        f"wrote {RESULTS.relative_to(ROOT)} and README table"
    )
    if failures:
        print(f"failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

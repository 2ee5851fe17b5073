"""Training progress that does not flood a stored notebook."""

from __future__ import annotations

import time

import keras


class PrintEvery(keras.callbacks.Callback):
    """Print one line every ``every`` epochs (and after the last): epoch, losses, seconds so far.

    Use with ``fit(..., verbose=0, callbacks=[PrintEvery(10)])`` for long runs.
    """

    def __init__(self, every: int = 10):
        super().__init__()
        if not isinstance(every, int) or isinstance(every, bool) or every < 1:
            raise ValueError(f"every must be a positive integer, got {every!r}")
        self.every = every

    def on_train_begin(self, logs=None):
        self._start = time.perf_counter()
        self._epochs = self.params.get("epochs") if self.params else None

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1
        if done % self.every == 0 or done == self._epochs:
            values = "  ".join(f"{k} {v:.4g}" for k, v in (logs or {}).items())
            total = f"/{self._epochs}" if self._epochs else ""
            print(
                f"epoch {done}{total}  {values}  ({time.perf_counter() - self._start:.0f} s)",
                flush=True,
            )

"""The simulated Lambda's invocation costs.

- warm overhead: invoking a handler in a warm worker process, against calling the same
  function directly in this process;
- cold start: a fresh execution environment's first invocation, against `python -c pass`.
Run: python benchmarks/lambda_invoke.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from course.sim.awslambda.runtime import Environment, FunctionSpec  # noqa: E402

HANDLER = "def handler(event, context):\n    return {'ok': True, 'n': event.get('n')}\n"


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as code:
        (Path(code) / "app.py").write_text(HANDLER)
        spec = FunctionSpec("bench", "$LATEST", "arn:aws:lambda:us-east-1:123456789012:function:bench",
                            "python3.12", "app.handler", Path(code))
        namespace: dict = {}
        exec(compile(HANDLER, "app.py", "exec"), namespace)  # the benchmark's own handler, for the baseline
        direct = median_ms(lambda: namespace["handler"]({"n": 1}, None), 2000)

        env = Environment(spec)
        try:
            env.invoke(b'{"n": 0}')  # cold
            warm = median_ms(lambda: env.invoke(b'{"n": 1}'), 500)
        finally:
            env.close()

        def cold_invoke():
            fresh = Environment(spec)
            try:
                fresh.invoke(b'{"n": 1}')
            finally:
                fresh.close()

        cold = median_ms(cold_invoke, 15)
    bare = median_ms(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), 15)
    print(f"direct call in process        median {direct * 1000:8.2f} µs")
    print(f"warm invocation (worker)      median {warm:8.3f} ms  -> overhead {warm - direct / 1000:.3f} ms")
    print(f"cold invocation (new worker)  median {cold:8.1f} ms")
    print(f"python -c pass                median {bare:8.1f} ms  -> cold start is {cold / bare:.1f}x a bare interpreter")


if __name__ == "__main__":
    main()

"""Summarise a py-spy raw profile (`py-spy record -f raw`): where a gunicorn worker spends its time.

Usage: python bench/profile_summary.py profile.txt [--top 25] [--match gateway/]
Prints, per frame, the share of samples that have it on the stack (inclusive) and at the top (self).
"""

import argparse
import re
from collections import Counter

# py-spy names a frame "function (path/to/file.py:line)"; the line number would split one function
# into many rows, so it is dropped.
LINE_NUMBER = re.compile(r":\d+\)$")


def load(path: str) -> tuple[Counter, Counter, int]:
    inclusive, own, total = Counter(), Counter(), 0
    with open(path) as lines:
        for line in lines:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not stack:
                continue
            frames = [LINE_NUMBER.sub(")", frame) for frame in stack.split(";")]
            samples = int(count)
            total += samples
            for frame in set(frames):
                inclusive[frame] += samples
            own[frames[-1]] += samples
    return inclusive, own, total


def short(frame: str) -> str:
    """Shorten site-packages paths: `func (django/db/models/query.py)`."""
    return re.sub(r"\(.*?site-packages/", "(", re.sub(r"\(/.*?/(gateway|plugins)/", r"(\1/", frame))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("profile")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--match", default="", help="only frames whose text contains this")
    args = parser.parse_args()
    inclusive, own, total = load(args.profile)
    print(f"{total} samples")
    for title, counter in (("inclusive", inclusive), ("self", own)):
        print(f"\n-- {title} --")
        rows = [(frame, n) for frame, n in counter.most_common() if args.match in frame][: args.top]
        for frame, samples in rows:
            print(f"{100 * samples / total:5.1f}%  {short(frame)}")


if __name__ == "__main__":
    main()

import sys

from newsroom.desk import tighten
from newsroom.factcheck import check
from newsroom.headlines import headline
from newsroom.wire import SlugWriter

CLAIM = [{"role": "user", "content": "[429-once] Is the Eiffel Tower 330 m tall?"}]
# a tool answer without the assistant turn that called the tool: every provider rejects it (HTTP 400)
BROKEN = [{"role": "user", "content": "weather in Paris"},
          {"role": "tool", "tool_call_id": "call_never_made", "content": "18C"}]


def main() -> int:
    print(f"headline: {headline('The city opens three new night bus lines.')}")
    print(f"tightened: {tighten('The council has decided that it will, in the end, approve the plan.')}")
    print(f"slug: {SlugWriter().slug('Night buses return to the city centre.')}")
    log: list[str] = []
    print(f"claim: {check(CLAIM, log)}")
    print(f"broken: {check(BROKEN, log)}")
    for line in log:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

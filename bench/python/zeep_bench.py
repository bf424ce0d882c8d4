"""Bench runner: one workload through zeep, as integrators write it, printing one JSON line with the workload's time.

Usage: python zeep_bench.py WORKLOAD WSDL ENDPOINT TOKEN ARG
  p1 ARG=calls   ARG sequential getExtens calls, each answer json.loads'd
  p2 ARG=-       one cdrSearch, json.loads'd
  p3 ARG=out     one audioDownload: json.loads, b64decode, written to the file ARG
Output: {"seconds": ..., "items": ..., "bytes": ..., "errors": 0}
Building the client (reading the WSDL) is outside the timed part. zeep sends every rpc part,
so optional ones are passed as "" (None is refused). xml_huge_tree lets lxml read text nodes
over 10 MB (P2, P3).
"""

import base64
import json
import sys
import time

try:
    import zeep
except ImportError:
    sys.exit("zeep is missing: pip install zeep (or run scripts/bench.sh, which installs it)")


def main() -> int:
    if len(sys.argv) != 6:
        print("usage: zeep_bench.py p1|p2|p3 WSDL ENDPOINT TOKEN ARG", file=sys.stderr)
        return 2
    workload, wsdl, endpoint, token, arg = sys.argv[1:]
    client = zeep.Client(wsdl, settings=zeep.Settings(xml_huge_tree=True))
    binding = next(iter(client.wsdl.bindings.values()))
    service = client.create_service(binding.name, endpoint)

    items = 0
    size = 0
    start = time.perf_counter()
    if workload == "p1":
        for _ in range(int(arg)):
            items += len(json.loads(service.getExtens(token, ""))["retorno"])
    elif workload == "p2":
        answer = json.loads(service.cdrSearch(token, "2025-06-02 00:00:00", "2025-06-02 23:59:59", "", "", ""))
        items = len(answer["retorno"])
    elif workload == "p3":
        answer = json.loads(service.audioDownload(token, "1748867415.101", ""))
        audio = base64.b64decode(answer["retorno"]["arquivo_base_64"])
        del answer
        with open(arg, "wb") as f:
            size = f.write(audio)
        items = 1
    else:
        print(f"unknown workload {workload}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "items": items, "bytes": size, "errors": 0}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Peer client: calls the operations listed in a JSON file positionally through zeep, as integrators do, printing one JSON line per call.

Usage: python zeep_interop.py WSDL_PATH ENDPOINT_URL CALLS_JSON
  CALLS_JSON: [{"op": "startCall", "args": ["<token>", "outbound", "2001", ...]}, ...]
Output, one line per call: {"op": ..., "result": "<returned string>"}
                        or {"op": ..., "fault": {"code": ..., "string": ..., "detail": ...}}
                        or {"op": ..., "error": {"type": ..., "message": ...}} when zeep refuses
                           the call itself (e.g. None for an rpc part: zeep treats every part as
                           required, so integrators must pass "" for middle optional arguments)
"""

import json
import sys

try:
    import zeep
    from zeep.exceptions import Error, Fault
except ImportError:
    sys.exit("zeep is missing: pip install zeep (or run scripts/test.sh, which makes .venv-tests)")


def main() -> int:
    if len(sys.argv) != 4:
        print("usage: zeep_interop.py WSDL_PATH ENDPOINT_URL CALLS_JSON", file=sys.stderr)
        return 2
    wsdl, endpoint, calls_path = sys.argv[1:]
    with open(calls_path, encoding="utf-8") as f:
        calls = json.load(f)

    client = zeep.Client(wsdl)
    # The WSDL's soap:address names the real PBX; point the one binding at our endpoint.
    binding = next(iter(client.wsdl.bindings.values()))
    service = client.create_service(binding.name, endpoint)

    for call in calls:
        op = call["op"]
        try:
            result = service[op](*call["args"])
            line = {"op": op, "result": result}
        except Fault as f:
            detail = None
            if f.detail is not None:
                detail = "".join(f.detail.itertext())
            line = {"op": op, "fault": {"code": f.code, "string": f.message, "detail": detail}}
        except Error as e:
            line = {"op": op, "error": {"type": type(e).__name__, "message": str(e)}}
        print(json.dumps(line, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Peer client for issue #10: calls one operation of a typed WSDL through zeep and prints the decoded answer as one canonical JSON document.

Usage: .venv-tests/bin/python tests/python/types_zeep.py WSDL_URL OPERATION JSON_ARGS
  JSON_ARGS  a JSON object, parameter name -> value, in the WSDL's order, e.g. '{"a":17,"b":5}'
             ({} for none). Parameters are the message parts (rpc, bare document) or the
             children of the request wrapper (document/literal wrapped); zeep gets them
             positionally, in that order. Structs are JSON objects, arrays JSON arrays, dates
             strings ("1990-05-17"), and bytes are written {"$base64": "<base64>"}.
  The call goes to the soap:address of the port whose binding holds OPERATION.

Canonical form (shared with tests/php/types/soapclient.php; both must print the same bytes):
  - the operation's output as zeep presents it: a single output part (rpc) or a single child
    of the response wrapper (document/literal wrapped) is the value itself; several become an
    object keyed by part/child name; a one-way operation prints null;
  - objects have their keys sorted (code point order, the same as UTF-8 byte order) and keys whose value is nil or absent
    are left out, because zeep shows both as None: nil and absent look the same;
  - an empty array counts as absent too (left out of objects, null as the whole result):
    for a repeated literal element that does not occur zeep gives [] and SoapClient no
    property at all, so the two cannot be told apart;
  - arrays stay in order;
  - xsd:int and friends are JSON integers; xsd:double is a JSON number with a fraction
    (180.0, not 180), shortest round-trip digits; exponents are not canonical, keep test
    values below 1e15;
  - xsd:boolean is true/false; xsd:date and other date types are their ISO string;
  - xsd:base64Binary is the decoded bytes re-encoded in standard padded base64;
  - compact JSON (no spaces), UTF-8 unescaped, one line.
Known zeep limits (not papered over, so they show as differences): zeep reads an empty element
(<name></name>, an empty base64Binary) as None where SoapClient gives "", and it cannot send an
empty soapenc:Array (it enforces one item at least).
Exit status: 0 on success; 1 with "SOAP fault CODE: STRING" (or the error) on stderr; 2 on bad usage.
"""

import base64
import datetime
import decimal
import json
import pathlib
import sys

try:
    import zeep
    from zeep.exceptions import Error, Fault
    from zeep.helpers import serialize_object
    from zeep.xsd import ComplexType
    from lxml import etree
except ImportError:
    sys.exit("types_zeep.py: zeep is missing: pip install zeep (or run scripts/test.sh, which makes .venv-tests)")


SOAP_ENC = "http://schemas.xmlsoap.org/soap/encoding/"
SOAP_ENC_XSD = pathlib.Path(__file__).resolve().parents[1] / "wsdl-types" / "soapenc.xsd"


class OfflineTransport(zeep.Transport):
    """zeep fetches the SOAP encoding schema from the web when a WSDL names its namespace; serve a local one."""

    def load(self, url):
        if url.rstrip("/") == SOAP_ENC.rstrip("/"):
            return SOAP_ENC_XSD.read_bytes()
        return super().load(url)


def fail(message, code=1):
    print(f"types_zeep.py: {message}", file=sys.stderr)
    sys.exit(code)


# Namespace -> prefix for the QNames written in SOAP-ENC:arrayType values; DeclarePrefixes puts
# them on the envelope, since zeep only declares the prefixes its own elements use.
ARRAY_PREFIXES = {}


def array_type_value(item_type, count):
    """SOAP-ENC:arrayType for count items, e.g. "xsd:int[4]".

    zeep leaves this attribute out unless told, and NuSOAP recognises an encoded array only by
    it (without it an array arrives as a struct of <item> elements), so the peer writes it, as an
    integrator talking to NuSOAP has to."""
    qname = etree.QName(item_type.qname)
    if qname.namespace not in ARRAY_PREFIXES:
        xsd = qname.namespace == "http://www.w3.org/2001/XMLSchema"
        ARRAY_PREFIXES[qname.namespace] = "xsd" if xsd else f"enc{len(ARRAY_PREFIXES)}"
    return f"{ARRAY_PREFIXES[qname.namespace]}:{qname.localname}[{count}]"


class DeclarePrefixes(zeep.Plugin):
    """Declares the ARRAY_PREFIXES on the outgoing envelope."""

    def egress(self, envelope, http_headers, operation, binding_options):
        missing = {p: ns for ns, p in ARRAY_PREFIXES.items() if envelope.nsmap.get(p) != ns}
        if not missing:
            return envelope, http_headers
        # Through text: moving lxml elements under a new root drops the declarations that only
        # attribute values use (the xs: of zeep's xsi:type="xs:int").
        decls = "".join(f' xmlns:{p}="{ns}"' for p, ns in sorted(missing.items())).encode()
        text = etree.tostring(envelope)
        end = text.index(b">")
        if text[end - 1:end] == b"/":
            end -= 1
        return etree.fromstring(text[:end] + decls + text[end:]), http_headers


def to_zeep_arg(value, xsd_type=None):
    """The JSON argument as zeep wants it for xsd_type: {"$base64": ...} becomes bytes, and a JSON
    array given for a soapenc:Array type becomes {"_value_1": items}, zeep's shape for encoded arrays
    (a bare list is refused or sent empty)."""
    if isinstance(value, dict) and set(value) == {"$base64"}:
        try:
            return base64.b64decode(value["$base64"], validate=True)
        except ValueError:
            fail("invalid base64 in arguments", 2)
    if isinstance(xsd_type, ComplexType):
        array_type = getattr(xsd_type, "_array_type", None)
        if array_type is not None and isinstance(value, list):
            item_type = array_type.array_type
            items = [to_zeep_arg(v, item_type) for v in value]
            return {"_value_1": items, "arrayType": array_type_value(item_type, len(items))}
        if isinstance(value, dict):
            fields = {name: element.type for name, element in xsd_type.elements}
            return {k: to_zeep_arg(v, fields.get(k)) for k, v in value.items()}
    if isinstance(value, dict):
        return {k: to_zeep_arg(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_zeep_arg(v, xsd_type) for v in value]
    return value


def input_types(proxy, operation):
    """The xsd types of the operation's parameters, in order (parts, or the wrapper's children)."""
    body = proxy._binding._operations[operation].input.body
    if body is None or not isinstance(body.type, ComplexType):
        return []
    return [element.type for _, element in body.type.elements]


def canon(value):
    """The canonical value (see the module docstring)."""
    if isinstance(value, dict):
        return {k: canon(v) for k, v in sorted(value.items()) if v is not None and v != []}
    if isinstance(value, (list, tuple)):
        return [canon(v) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def port_for(client, operation):
    """The service proxy of the first port whose binding holds the operation."""
    for service in client.wsdl.services.values():
        for port in service.ports.values():
            if operation in port.binding._operations:
                return client.bind(service.name, port.name)
    fail(f"operation {operation} is not in any binding of the WSDL", 2)


def main():
    if len(sys.argv) != 4:
        fail("usage: types_zeep.py WSDL_URL OPERATION JSON_ARGS", 2)
    wsdl, operation, json_args = sys.argv[1:]
    try:
        args = json.loads(json_args)
    except ValueError as e:
        fail(f"JSON_ARGS is not valid JSON: {e}", 2)
    if not isinstance(args, dict):
        fail("JSON_ARGS must be a JSON object (parameter name -> value)", 2)

    try:
        client = zeep.Client(wsdl, transport=OfflineTransport(), plugins=[DeclarePrefixes()])
        proxy = port_for(client, operation)
        types = input_types(proxy, operation)
        values = list(args.values())
        types += [None] * (len(values) - len(types))
        result = proxy[operation](*[to_zeep_arg(v, t) for v, t in zip(values, types)])
    except Fault as f:
        fail(f"SOAP fault {f.code}: {f.message}")
    except (Error, OSError, ValueError, TypeError) as e:
        fail(f"{type(e).__name__}: {e}")

    value = canon(serialize_object(result, dict))
    text = json.dumps(None if value == [] else value, ensure_ascii=False, separators=(",", ":"))
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

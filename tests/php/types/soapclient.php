<?php
//! Peer client for issue #10: calls one operation of a typed WSDL through PHP's SoapClient (WSDL mode) and prints the decoded answer as one canonical JSON document.
//
// Usage: php tests/php/types/soapclient.php WSDL_URL OPERATION JSON_ARGS
//   JSON_ARGS  a JSON object, parameter name -> value, in the WSDL's order, e.g. '{"a":17,"b":5}'
//              ({} for none). Parameters are the message parts (rpc, bare document) or the
//              children of the request wrapper (document/literal wrapped). Structs are JSON
//              objects, arrays JSON arrays, dates strings ("1990-05-17"), and bytes are written
//              {"$base64": "<base64>"}.
//   The call goes to the soap:address of the port whose binding holds OPERATION.
//
// Canonical form (shared with tests/python/types_zeep.py; both must print the same bytes):
//   - the operation's output as zeep presents it: a single output part (rpc) or a single child
//     of the response wrapper (document/literal wrapped) is the value itself; several become an
//     object keyed by part/child name; a one-way operation prints null;
//   - objects have their keys sorted (UTF-8 byte order, the same as code point order) and keys
//     whose value is nil or absent are left out, because zeep shows both as None: nil and absent
//     look the same;
//   - an empty array counts as absent too (left out of objects, null as the whole result):
//     for a repeated literal element that does not occur zeep gives [] and SoapClient no
//     property at all, so the two cannot be told apart;
//   - arrays stay in order;
//   - xsd:int and friends are JSON integers; xsd:double is a JSON number with a fraction
//     (180.0, not 180), shortest round-trip digits; exponents are not canonical, keep test
//     values below 1e15;
//   - xsd:boolean is true/false; xsd:date and other date types are their lexical string;
//   - xsd:base64Binary is the decoded bytes re-encoded in standard padded base64;
//   - compact JSON (no spaces), UTF-8 unescaped, slashes unescaped, one line.
// Exit status: 0 on success; 1 with "SOAP fault CODE: STRING" (or the error) on stderr; 2 on bad usage.

ini_set('display_errors', 'stderr');
ini_set('soap.wsdl_cache_enabled', '0');

const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
const WSDL_SOAP_NS = 'http://schemas.xmlsoap.org/wsdl/soap/';

function fail(string $msg, int $code = 1): never
{
    fwrite(STDERR, "soapclient.php: $msg\n");
    exit($code);
}

/// Turns {"$base64": "..."} into the raw bytes SoapClient base64-encodes itself; arrays stay arrays.
function to_php_arg(mixed $v): mixed
{
    if (is_array($v)) {
        if (count($v) === 1 && array_key_exists('$base64', $v)) {
            $bytes = base64_decode($v['$base64'], true);
            if ($bytes === false) {
                fail('invalid base64 in arguments', 2);
            }
            return $bytes;
        }
        return array_map('to_php_arg', $v);
    }
    return $v;
}

/// The canonical value (see the header): objects and string-keyed arrays become sorted objects without nulls.
function canon(mixed $v): mixed
{
    if ($v instanceof stdClass) {
        $v = get_object_vars($v);
        if ($v === []) {
            return new stdClass();
        }
    }
    if (is_array($v)) {
        if (array_is_list($v)) {
            return array_map('canon', $v);
        }
        ksort($v, SORT_STRING);
        $out = new stdClass();
        foreach ($v as $k => $item) {
            if ($item !== null && $item !== []) {
                $out->$k = canon($item);
            }
        }
        return $out;
    }
    return $v;
}

/// How OPERATION is bound: ['document' => bool, 'wrapped' => bool], read from the WSDL itself.
/// Wrapped means: document style, one input part whose element is named after the operation.
function operation_shape(string $wsdl_text, string $op): array
{
    $doc = new DOMDocument();
    if (!@$doc->loadXML($wsdl_text)) {
        fail('the WSDL is not well-formed XML');
    }
    $xp = new DOMXPath($doc);
    $xp->registerNamespace('w', WSDL_NS);
    $xp->registerNamespace('s', WSDL_SOAP_NS);
    $bop = $xp->query("//w:binding/w:operation[@name='$op']")->item(0);
    if (!$bop) {
        fail("operation $op is not in any binding of the WSDL", 2);
    }
    $style = $xp->evaluate('string(s:operation/@style)', $bop)
        ?: $xp->evaluate('string(../s:binding/@style)', $bop)
        ?: 'document';
    if ($style !== 'document') {
        return ['document' => false, 'wrapped' => false];
    }
    $port_type = preg_replace('/^.*:/', '', $bop->parentNode->getAttribute('type'));
    $input = $xp->evaluate("string(//w:portType[@name='$port_type']/w:operation[@name='$op']/w:input/@message)");
    $parts = $xp->query("//w:message[@name='" . preg_replace('/^.*:/', '', $input) . "']/w:part");
    $wrapped = $parts->length === 1
        && preg_replace('/^.*:/', '', $parts->item(0)->getAttribute('element')) === $op;
    return ['document' => true, 'wrapped' => $wrapped];
}

if ($argc !== 4) {
    fail('usage: php soapclient.php WSDL_URL OPERATION JSON_ARGS', 2);
}
if (!extension_loaded('soap')) {
    fail('PHP soap extension missing: apt-get install php-soap', 2);
}
[, $wsdl, $op, $json_args] = $argv;
try {
    $args = json_decode($json_args, true, 512, JSON_THROW_ON_ERROR);
} catch (JsonException $e) {
    fail('JSON_ARGS is not valid JSON: ' . $e->getMessage(), 2);
}
if (!is_array($args) || ($args !== [] && array_is_list($args))) {
    fail('JSON_ARGS must be a JSON object (parameter name -> value)', 2);
}
$wsdl_text = @file_get_contents($wsdl);
if ($wsdl_text === false) {
    fail("cannot fetch the WSDL at $wsdl");
}
$shape = operation_shape($wsdl_text, $op);

$args = to_php_arg($args);
// rpc and bare parts are positional; a wrapped operation takes the wrapper as its one argument.
$call_args = $shape['wrapped'] ? [(object) $args] : array_values($args);

try {
    $client = new SoapClient($wsdl, [
        'cache_wsdl' => WSDL_CACHE_NONE,
        'exceptions' => true,
        // A literal array of one element must still decode as a list.
        'features' => SOAP_SINGLE_ELEMENT_ARRAYS,
        // SoapClient hands base64Binary back as raw bytes, indistinguishable from a string;
        // keep the text instead, normalised, which is what the canonical form wants.
        'typemap' => [[
            'type_ns' => XSD_NS,
            'type_name' => 'base64Binary',
            'from_xml' => function (string $xml) {
                $el = simplexml_load_string($xml);
                return base64_encode(base64_decode(trim((string) $el)));
            },
        ]],
    ]);
    $result = $client->__soapCall($op, $call_args);
} catch (SoapFault $f) {
    fail("SOAP fault {$f->faultcode}: {$f->faultstring}");
} catch (Throwable $e) {
    fail(get_class($e) . ': ' . $e->getMessage());
}

// SoapClient returns the response wrapper of a wrapped operation; zeep returns its content.
if ($shape['wrapped'] && $result instanceof stdClass) {
    $fields = get_object_vars($result);
    $result = count($fields) === 1 ? reset($fields) : ($fields === [] ? null : $result);
}

$value = canon($result);
echo json_encode(
    $value === [] ? null : $value,
    JSON_PRESERVE_ZERO_FRACTION | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR
), "\n";

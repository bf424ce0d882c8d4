<?php
//! The PBX stand-in: a NuSOAP server (router script for `php -S`), registered the way NuSOAP is normally used; its WSDL is the checked-in one.
//
// Usage: php -S 127.0.0.1:PORT tests/php/nusoap_server.php
//   GET  /aplicativos/webservice/wsuscall.php?wsdl  NuSOAP's generated WSDL
//   GET  /aplicativos/webservice/wsuscall.php       NuSOAP's HTML route list
//   POST /aplicativos/webservice/wsuscall.php       the SOAP service
//   anything else                                   404
//
// Environment:
//   USCALL_WSDL_ENDPOINT  soap:address written in the WSDL (default
//                         https://pbx.example.com/aplicativos/webservice/wsuscall.php, so the
//                         WSDL does not depend on the port)
//   USCALL_WSDL_DROP      op1,op2: do not register these operations
//   USCALL_WSDL_PARTS     opName:p1,p2[;op2:q1]: an existing operation's parts, renamed or
//                         reordered in the WSDL (the handler still takes them by position)
//   USCALL_WSDL_ADD       opName:p1,p2[;op2:q1]: register extra string operations answering
//                         {"retorno":"ok <opName>"}
//   USCALL_CHARSET_MODE   escaped (default): json_encode default flags, ASCII JSON with \u
//                           escapes; envelope declared ISO-8859-1 (as NuSOAP's default).
//                         raw-utf8-in-latin1: unescaped JSON; envelope and Content-Type say
//                           ISO-8859-1 but the bytes are UTF-8 (what integrators patch with
//                           utf8_decode). The WSDL is also served untouched (see below).
//                         latin1: unescaped JSON, envelope really ISO-8859-1 encoded.
//                         utf8: soap_defencoding UTF-8, unescaped raw UTF-8.
//   USCALL_CALL_LOG       see uscall_handlers.php
//   USCALL_NUSOAP         path of nusoap.php (default /usr/share/php/nusoap/nusoap.php)
//   USCALL_GZIP           1: compress answers with gzip when the client offers it
//                         (zlib.output_compression, as many PBX web servers do)
//
// WSDL encoding: NuSOAP's wsdl::serialize() hard-codes an XML declaration with encoding="ISO-8859-1"
// but writes each operation's documentation through htmlspecialchars() with PHP's default
// charset (UTF-8 since PHP 5.4; ENT_SUBSTITUTE by default since 8.1). So UTF-8 docs come out
// as raw UTF-8 bytes under an ISO-8859-1 declaration (mojibake for a correct parser), and
// docs converted to ISO-8859-1 beforehand are not valid UTF-8, so every accented letter
// becomes U+FFFD. We register the docs in UTF-8 and transcode the whole serialized WSDL
// (ASCII apart from the docs) to ISO-8859-1, which makes the document match its declaration.
// In raw-utf8-in-latin1 mode the WSDL is left as NuSOAP writes it, to reproduce that bug.

const USCALL_PATH = '/aplicativos/webservice/wsuscall.php';

if (getenv('USCALL_GZIP') === '1') {
    ini_set('zlib.output_compression', '1');
}

require __DIR__ . '/router.php';
$path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH);
if (router_refuses($path, [USCALL_PATH])) {
    return true;
}
// NuSOAP is PHP-4/5 code: its deprecations must never reach the response body.
error_reporting(E_ALL & ~E_DEPRECATED);

require __DIR__ . '/nusoap_loader.php';
$GLOBALS['USCALL_SERVER'] = 'nusoap';
require __DIR__ . '/uscall_handlers.php';

// Timestamps in NuSOAP's debug log use strftime(), deprecated in PHP 8.1, and the log
// itself is only useful with ?debug=1; keep it quiet and fast.
$GLOBALS['_transient']['static']['nusoap_base']['globalDebugLevel'] = 0;

$GLOBALS['USCALL_FAULT_FN'] = fn(string $string, string $detail) =>
    new nusoap_fault('SOAP-ENV:Server', '', $string, $detail);

$mode = getenv('USCALL_CHARSET_MODE') ?: 'escaped';
if (!in_array($mode, ['escaped', 'raw-utf8-in-latin1', 'latin1', 'utf8'], true)) {
    error_log("USCALL_CHARSET_MODE: unknown mode '$mode'");
    http_response_code(500);
    echo "USCALL_CHARSET_MODE: unknown mode '$mode' (escaped, raw-utf8-in-latin1, latin1, utf8)\n";
    return true;
}
$endpoint = getenv('USCALL_WSDL_ENDPOINT') ?: 'https://pbx.example.com' . USCALL_PATH;

$server = new soap_server();
if ($mode === 'utf8') {
    $server->soap_defencoding = 'UTF-8';
}
// Keep incoming strings in UTF-8 instead of NuSOAP's default utf8_decode() to ISO-8859-1;
// the handlers work in UTF-8 (and repair ISO-8859-1 input themselves).
$server->decode_utf8 = false;
$server->configureWSDL('wsuscall', 'urn:wsuscall', $endpoint);

$docs = require __DIR__ . '/uscall_docs.php';
$drop = array_filter(array_map('trim', explode(',', getenv('USCALL_WSDL_DROP') ?: '')));
$ops = uscall_operations();
foreach (uscall_extra_ops() as $name => $parts) {
    $ops[$name] = $parts;
    $docs[$name] = "Operação extra $name (teste). Parâmetros necessários: " . implode(', ', $parts) . '.';
}
// A PBX whose operations take their parts under other names or in another order: the WSDL
// says so, and NuSOAP still hands the handlers their arguments by position.
foreach (preg_split('/;/', getenv('USCALL_WSDL_PARTS') ?: '', -1, PREG_SPLIT_NO_EMPTY) as $one) {
    [$name, $parts] = array_pad(explode(':', trim($one), 2), 2, '');
    if (isset($ops[$name])) {
        $ops[$name] = array_values(array_filter(array_map('trim', explode(',', $parts)), 'strlen'));
    }
}
foreach ($ops as $op => $parts) {
    if (in_array($op, $drop, true)) {
        continue;
    }
    $in = [];
    foreach ($parts as $p) {
        $in[$p] = 'xsd:string';
    }
    $server->register(
        $op,
        $in,
        ['return' => 'xsd:string'],
        'urn:wsuscall',
        "urn:wsuscall#$op",
        'rpc',
        'encoded',
        $docs[$op]
    );
}

$is_wsdl = isset($_GET['wsdl']) || preg_match('/(^|&)wsdl/i', $_SERVER['QUERY_STRING'] ?? '');
if ($_SERVER['REQUEST_METHOD'] === 'GET' && $is_wsdl && $mode !== 'raw-utf8-in-latin1') {
    ob_start(fn(string $wsdl) => iconv('UTF-8', 'ISO-8859-1', $wsdl));
    $server->service('');
    ob_end_flush();
} else {
    $server->service(file_get_contents('php://input'));
}
return true;

<?php
//! A second server for the same WSDL: PHP's ext/soap SoapServer (router script for `php -S`), binding parts by name.
//
// Usage: php -S 127.0.0.1:PORT tests/php/native_server.php
//   GET  /aplicativos/webservice/wsuscall.php?wsdl  the WSDL file, verbatim
//   POST /aplicativos/webservice/wsuscall.php       the SOAP service
//   anything else                                   404
//
// Environment:
//   USCALL_WSDL          WSDL file to serve and implement (default: <repo>/wsdl/wsuscall.wsdl).
//                        Its soap:address points elsewhere; a server does not care.
//   USCALL_CHARSET_MODE  escaped (default): ASCII JSON with \u escapes; any other mode:
//                        JSON_UNESCAPED_UNICODE. The XML is always UTF-8 (ext/soap's choice).
//   USCALL_WSDL_ADD      extra operations present in USCALL_WSDL (see uscall_handlers.php)
//   USCALL_CALL_LOG      see uscall_handlers.php

const USCALL_PATH = '/aplicativos/webservice/wsuscall.php';

require __DIR__ . '/router.php';
$path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH);
if (router_refuses($path, [USCALL_PATH]) || router_lacks_soap()) {
    return true;
}

$GLOBALS['USCALL_SERVER'] = 'native';
require __DIR__ . '/uscall_handlers.php';

$wsdl = getenv('USCALL_WSDL') ?: dirname(__DIR__, 2) . '/wsdl/wsuscall.wsdl';
if (!is_file($wsdl)) {
    error_log("WSDL not found: $wsdl");
    http_response_code(500);
    echo "WSDL not found: $wsdl\n";
    return true;
}

$is_wsdl = isset($_GET['wsdl']) || preg_match('/(^|&)wsdl/i', $_SERVER['QUERY_STRING'] ?? '');
if ($_SERVER['REQUEST_METHOD'] === 'GET') {
    if (!$is_wsdl) {
        http_response_code(405);
        header('Content-Type: text/plain; charset=UTF-8');
        echo "POST a SOAP request, or GET ?wsdl\n";
        return true;
    }
    // Serve the bytes as they are; the declaration inside says which charset they use.
    $head = file_get_contents($wsdl, false, null, 0, 200);
    $charset = preg_match('/encoding="([^"]+)"/', $head, $m) ? $m[1] : 'UTF-8';
    header("Content-Type: text/xml; charset=$charset");
    readfile($wsdl);
    return true;
}

$GLOBALS['USCALL_FAULT_FN'] = function (string $string, string $detail) {
    throw new SoapFault('Server', $string, null, $detail);
};

$server = new SoapServer($wsdl, ['cache_wsdl' => WSDL_CACHE_NONE, 'encoding' => 'UTF-8']);
$server->addFunction(array_keys(uscall_operations()));
foreach (array_keys(uscall_extra_ops()) as $op) {
    $server->addFunction($op);
}
$server->handle(file_get_contents('php://input'));
return true;

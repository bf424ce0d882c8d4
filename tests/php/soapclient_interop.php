<?php
//! Peer client: calls the operations listed in a JSON file positionally through PHP's SoapClient, as integrators do, printing one JSON line per call.
//
// Usage: php soapclient_interop.php WSDL_PATH ENDPOINT_URL CALLS_JSON
//   CALLS_JSON: [{"op": "startCall", "args": ["<token>", "outbound", "2001", ...]}, ...]
//   (JSON null becomes PHP null, which SoapClient sends as xsi:nil)
// Output, one line per call: {"op": ..., "result": "<returned string>"}
//                         or {"op": ..., "fault": {"code": ..., "string": ..., "detail": ...}}
//                         or {"op": ..., "error": {"type": ..., "message": ...}} for any other exception

ini_set('display_errors', 'stderr');
ini_set('soap.wsdl_cache_enabled', '0');

if ($argc !== 4) {
    fwrite(STDERR, "usage: php soapclient_interop.php WSDL_PATH ENDPOINT_URL CALLS_JSON\n");
    exit(2);
}
if (!extension_loaded('soap')) {
    fwrite(STDERR, "PHP soap extension missing: apt-get install php-soap\n");
    exit(2);
}
[, $wsdl, $endpoint, $calls_path] = $argv;
$calls = json_decode(file_get_contents($calls_path), true, 512, JSON_THROW_ON_ERROR);

$client = new SoapClient($wsdl, [
    'location' => $endpoint,
    'cache_wsdl' => WSDL_CACHE_NONE,
    'exceptions' => true,
    'trace' => false,
    // As the vendor's sample does; irrelevant over plain http.
    'stream_context' => stream_context_create(['ssl' => [
        'verify_peer' => false, 'verify_peer_name' => false, 'allow_self_signed' => true,
    ]]),
]);

foreach ($calls as $call) {
    $op = $call['op'];
    try {
        $result = $client->__soapCall($op, $call['args']);
        $line = ['op' => $op, 'result' => $result];
    } catch (SoapFault $f) {
        $detail = isset($f->detail) ? (is_scalar($f->detail) ? (string) $f->detail : json_encode($f->detail)) : null;
        $line = ['op' => $op, 'fault' => ['code' => $f->faultcode, 'string' => $f->faultstring, 'detail' => $detail]];
    } catch (Throwable $e) {
        $line = ['op' => $op, 'error' => ['type' => get_class($e), 'message' => $e->getMessage()]];
    }
    echo json_encode($line, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE), "\n";
}

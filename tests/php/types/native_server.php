<?php
//! The typed reference server for issue #10: PHP's ext/soap SoapServer (router script for `php -S`) serving tests/wsdl-types/{encoded,literal}.wsdl with deterministic answers.
//
// Usage: php -S 127.0.0.1:PORT tests/php/types/native_server.php
//   GET  /types/encoded.php?wsdl   tests/wsdl-types/encoded.wsdl, soap:address rewritten to this host
//   GET  /types/second.php?wsdl    the same file (it holds both services)
//   GET  /types/literal.php?wsdl   tests/wsdl-types/literal.wsdl, soap:address rewritten to this host
//   POST /types/encoded.php        rpc/encoded: TypesService (echoStruct, sumInts, listPeople, divide,
//                                  getColor, notify, getTree, echoBytes, ping)
//   POST /types/second.php         rpc/encoded: SecondService (version)
//   POST /types/literal.php        document/literal: the same operations wrapped, plus bare `square`
//   anything else                  404
//
// The answers are pure functions of the arguments (see types_data.php), so every client that
// decodes them correctly must print the same canonical JSON.

require __DIR__ . '/types_data.php';

const TYPES_ROUTES = [
    '/types/encoded.php' => ['encoded.wsdl', 'EncodedTypes'],
    '/types/second.php' => ['encoded.wsdl', 'EncodedTypes'],
    '/types/literal.php' => ['literal.wsdl', 'LiteralTypes'],
];

require dirname(__DIR__) . '/router.php';
$path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH);
if (router_refuses($path, array_keys(TYPES_ROUTES)) || router_lacks_soap()) {
    return true;
}

[$wsdl_name, $class] = TYPES_ROUTES[$path];
$wsdl = dirname(__DIR__, 2) . "/wsdl-types/$wsdl_name";

$is_wsdl = isset($_GET['wsdl']) || preg_match('/(^|&)wsdl/i', $_SERVER['QUERY_STRING'] ?? '');
if ($_SERVER['REQUEST_METHOD'] === 'GET') {
    if (!$is_wsdl) {
        http_response_code(405);
        header('Content-Type: text/plain; charset=UTF-8');
        echo "POST a SOAP request, or GET ?wsdl\n";
        return true;
    }
    // Clients call the soap:address they read, so it must name the port we listen on.
    $host = $_SERVER['HTTP_HOST'] ?? ('127.0.0.1:' . $_SERVER['SERVER_PORT']);
    $text = preg_replace(
        '#(<soap:address\s+location=")https?://[^/"]+#',
        '${1}http://' . $host,
        file_get_contents($wsdl)
    );
    header('Content-Type: text/xml; charset=UTF-8');
    echo $text;
    return true;
}

/// rpc/encoded: one PHP argument per part; several output parts come back as an array keyed by part name.
final class EncodedTypes
{
    public function echoStruct($person) { return $person; }
    public function sumInts($values) { return array_sum((array) $values); }
    public function listPeople($count) { return array_map(fn($p) => types_drop_literal_only($p), types_people((int) $count)); }
    public function divide($a, $b) { return types_divide((int) $a, (int) $b); }
    public function getColor($name) { return types_color((string) $name); }
    public function notify($message) { types_log_notify((string) $message); }
    public function getTree($depth) { return types_tree_encoded((int) $depth); }
    public function echoBytes($data) { return $data; }
    public function ping() { return 'pong'; }
    public function version() { return TYPES_VERSION; }
}

/// document/literal wrapped: one stdClass argument (the request wrapper), an array for the response wrapper.
final class LiteralTypes
{
    public function echoStruct($in) { return ['result' => $in->person]; }
    public function sumInts($in) { return ['result' => array_sum((array) ($in->value ?? []))]; }
    public function listPeople($in) { return ['person' => types_people((int) $in->count)]; }
    public function divide($in) { return types_divide((int) $in->a, (int) $in->b); }
    public function getColor($in) { return ['result' => types_color((string) $in->name)]; }
    public function notify($in) { types_log_notify((string) $in->message); }
    public function getTree($in) { return ['result' => types_tree_literal((int) $in->depth)]; }
    public function echoBytes($in) { return ['result' => $in->data]; }
    public function ping($in = null) { return ['result' => 'pong']; }
    /// Bare: the argument is the int inside <number>, the answer the int inside <squared>.
    public function square($n) { return (int) $n * (int) $n; }
}

$server = new SoapServer($wsdl, [
    'cache_wsdl' => WSDL_CACHE_NONE,
    'encoding' => 'UTF-8',
    // Otherwise a literal array of one element arrives as that element, not a list of one.
    'features' => SOAP_SINGLE_ELEMENT_ARRAYS,
]);
$server->setClass($class);
$server->handle(file_get_contents('php://input'));
return true;

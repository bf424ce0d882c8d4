<?php
//! Bench runner: one workload through PHP's SoapClient (ext/soap), as integrators write it, printing one JSON line with the workload's time.
//
// Usage: php soapclient_bench.php WORKLOAD WSDL ENDPOINT TOKEN ARG
//   p1 ARG=calls   ARG sequential getExtens calls, each answer json_decode'd
//   p2 ARG=-       one cdrSearch, json_decode'd into arrays
//   p3 ARG=out     one audioDownload: json_decode, base64_decode, written to the file ARG
// Output: {"seconds": ..., "items": ..., "bytes": ..., "errors": 0}
// Building the SoapClient (reading the WSDL) is outside the timed part.

ini_set('display_errors', 'stderr');
ini_set('memory_limit', '-1');
ini_set('soap.wsdl_cache_enabled', '0');

if ($argc !== 6) {
    fwrite(STDERR, "usage: php soapclient_bench.php p1|p2|p3 WSDL ENDPOINT TOKEN ARG\n");
    exit(2);
}
[, $workload, $wsdl, $endpoint, $token, $arg] = $argv;
$client = new SoapClient($wsdl, [
    'location' => $endpoint,
    'cache_wsdl' => WSDL_CACHE_NONE,
    'exceptions' => true,
    'trace' => false,
    'keep_alive' => true,
]);

$items = 0;
$bytes = 0;
$start = hrtime(true);
switch ($workload) {
    case 'p1':
        for ($i = 0; $i < (int) $arg; $i++) {
            $answer = json_decode($client->__soapCall('getExtens', [$token, '']), true, 512, JSON_THROW_ON_ERROR);
            $items += count($answer['retorno']);
        }
        break;
    case 'p2':
        $answer = json_decode(
            $client->__soapCall('cdrSearch', [$token, '2025-06-02 00:00:00', '2025-06-02 23:59:59', '', '', '']),
            true, 512, JSON_THROW_ON_ERROR
        );
        $items = count($answer['retorno']);
        break;
    case 'p3':
        $answer = json_decode($client->__soapCall('audioDownload', [$token, '1748867415.101', '']), true, 512, JSON_THROW_ON_ERROR);
        $audio = base64_decode($answer['retorno']['arquivo_base_64'], true);
        unset($answer);
        $bytes = file_put_contents($arg, $audio);
        $items = 1;
        break;
    default:
        fwrite(STDERR, "unknown workload $workload\n");
        exit(2);
}
$seconds = (hrtime(true) - $start) / 1e9;
echo json_encode(['seconds' => $seconds, 'items' => $items, 'bytes' => $bytes, 'errors' => 0]), "\n";

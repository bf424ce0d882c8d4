<?php
//! What every `php -S` router script of the tests does first: a 404 for any path it does not serve, PHP's own messages kept out of the answers, and (for ext/soap) the extension required.

/// Answers 404 and returns true when `$path` is not one of `$served`; otherwise sends PHP's
/// warnings to the log rather than into a SOAP answer and returns false.
function router_refuses(string $path, array $served): bool
{
    if (!in_array($path, $served, true)) {
        http_response_code(404);
        header('Content-Type: text/plain; charset=UTF-8');
        echo "Not found: $path\n";
        return true;
    }
    ini_set('display_errors', '0');
    ini_set('log_errors', '1');
    // A PBX whose clock is off (uscall doctor's clock check): the Date header moved by that many
    // seconds; PHP's built-in server keeps a Date header the script sets.
    $offset = getenv('USCALL_CLOCK_OFFSET');
    if ($offset !== false && $offset !== '') {
        header('Date: ' . gmdate('D, d M Y H:i:s', time() + (int) $offset) . ' GMT');
    }
    return false;
}

/// For the ext/soap servers: no WSDL cache, and a 500 naming the package when the extension is
/// missing (returns true then).
function router_lacks_soap(): bool
{
    ini_set('soap.wsdl_cache_enabled', '0');
    if (extension_loaded('soap')) {
        return false;
    }
    error_log('PHP soap extension missing: apt-get install php-soap');
    http_response_code(500);
    echo "PHP soap extension missing: apt-get install php-soap\n";
    return true;
}

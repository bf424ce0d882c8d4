<?php
//! Loads Debian's NuSOAP 0.9.5 under PHP 8 without editing the installed package.
//
// NuSOAP 0.9.5 predates PHP 8: its classes use PHP-4-style constructors
// (`function nusoap_server()` inside `class nusoap_server`), which PHP 8
// treats as ordinary methods and never calls, so every object would be
// left half-initialised. We read the source, add a `__construct(...$args)`
// that forwards to the old-style method in each class that has one, write
// the result to a cache file named by a hash of the source (and of this
// patch's version), and require that instead. Subclasses without their own
// constructor (soap_server, soap_fault, XMLSchema, ...) inherit the
// forwarding `__construct`, which calls the parent's PHP-4 method through
// `$this`, exactly as PHP 5 did.
//
// The path of nusoap.php can be overridden with USCALL_NUSOAP.

(function (): void {
    $src_path = getenv('USCALL_NUSOAP') ?: '/usr/share/php/nusoap/nusoap.php';
    if (!is_file($src_path)) {
        $msg = "NuSOAP not found at $src_path: install it with `apt-get install libnusoap-php` "
            . "(or point USCALL_NUSOAP at nusoap.php)";
        // STDERR exists only in the CLI SAPI, not under `php -S`.
        file_put_contents('php://stderr', "$msg\n");
        if (PHP_SAPI !== 'cli') {
            http_response_code(500);
            header('Content-Type: text/plain; charset=UTF-8');
            echo "$msg\n";
        }
        exit(1);
    }
    $src = file_get_contents($src_path);
    // Bump when the patching below changes, so stale caches are not reused.
    $patch_version = '2';
    $cache = sys_get_temp_dir() . '/uscall-nusoap-php8-' . sha1($patch_version . "\0" . $src) . '.php';

    if (!is_file($cache)) {
        $patched = $src;
        preg_match_all('/^\s*class\s+(\w+)/mi', $src, $m);
        foreach ($m[1] as $class) {
            // Insert the forwarding constructor right before the PHP-4 one.
            $re = '/^(\s*)function\s+' . preg_quote($class, '/') . '\s*\(/mi';
            $patched = preg_replace_callback($re, function ($mm) use ($class) {
                $indent = $mm[1];
                return $indent . "function __construct(...\$args) { \$this->$class(...\$args); }"
                    . $indent . ltrim($mm[0]);
            }, $patched, 1);
        }
        // PHP 8 warns when indexing `false`; NuSOAP does it for every built-in type
        // (getTypeDef() returns false for xsd:string) while serializing the WSDL.
        $patched = str_replace(
            "if (\$typeDef['typeClass'] == 'element') {",
            "if (is_array(\$typeDef) && \$typeDef['typeClass'] == 'element') {",
            $patched
        );
        // Write atomically: several php -S workers may race here.
        $tmp = $cache . '.' . getmypid() . '.tmp';
        file_put_contents($tmp, $patched);
        rename($tmp, $cache);
    }
    require_once $cache;
})();

<?php
//! The deterministic answers shared by the typed reference servers (ext/soap and NuSOAP): people, trees, colours, division.

const TYPES_VERSION = 'uscall-types 1.0';

/// Person $i of listPeople: every field computed from $i, so any client can be checked against another.
/// The literal WSDL's extras ride along: the `id` attribute and `nickname` (nil for even $i).
function types_person(int $i): array
{
    return [
        'id' => $i,
        'name' => "Person $i",
        'age' => 20 + $i,
        // Multiples of 1/4 print the same way in every language (no binary rounding noise).
        'height' => 1.5 + $i / 4,
        'active' => $i % 2 === 1,
        'born' => sprintf('%04d-%02d-%02d', 1980 + $i, $i % 12 + 1, $i % 28 + 1),
        'tags' => array_map(fn($k) => "tag$k", range(1, $i)),
        'nickname' => $i % 2 === 1 ? "P$i" : null,
    ];
}

/// Persons 1..$count ([] for 0 or less).
function types_people(int $count): array
{
    return $count > 0 ? array_map('types_person', range(1, $count)) : [];
}

/// Removes what only literal.wsdl's Person has (the rpc/encoded Person has no id and no nickname).
function types_drop_literal_only(array $person): array
{
    unset($person['id'], $person['nickname']);
    return $person;
}

/// Truncating integer division, as C and PHP do; b = 0 is a SOAP fault.
function types_divide(int $a, int $b): array
{
    if ($b === 0) {
        throw new SoapFault('Server', 'division by zero');
    }
    return ['quotient' => intdiv($a, $b), 'remainder' => $a % $b];
}

/// A colour for a name: the name itself when it is one, "purple" (outside the enumeration) for "x".
function types_color(string $name): string
{
    $colors = ['red', 'green', 'blue'];
    if ($name === 'x') {
        return 'purple';
    }
    return in_array($name, $colors, true) ? $name : $colors[strlen($name) % 3];
}

/// A full binary tree of the given depth (depth 0 is a lone root), labels are paths: "root", "root.1", "root.2.1", ...
/// $kids names the field holding the children: `children` (encoded, always present) or `child` (literal, repeated).
function types_tree(int $depth, string $kids, string $label = 'root'): array
{
    $children = [];
    if ($depth > 0) {
        foreach ([1, 2] as $k) {
            $children[] = types_tree($depth - 1, $kids, "$label.$k");
        }
    }
    return ['label' => $label, $kids => $children];
}

function types_tree_encoded(int $depth): array { return types_tree($depth, 'children'); }
function types_tree_literal(int $depth): array { return types_tree($depth, 'child'); }

/// One-way calls leave a trace only when USCALL_CALL_LOG names a file, so a test can see they arrived.
function types_log_notify(string $message): void
{
    $log = getenv('USCALL_CALL_LOG');
    if ($log) {
        file_put_contents($log, json_encode(['op' => 'notify', 'message' => $message]) . "\n", FILE_APPEND | LOCK_EX);
    }
}

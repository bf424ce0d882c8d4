<?php
//! The 30 USCall operations, answered from uscall-mock/src/seed.json; shared by nusoap_server.php and native_server.php.
//
// Every operation is a global function named exactly like the SOAP operation, with
// the positional arguments of reference §2 (token first), all defaulting to null so
// that clients may leave trailing arguments out. Every answer is a JSON string
// `{"retorno": ...}`.
//
// How answers map to uscall-mock/src/seed.json (the Rust tests compute expected answers
// the same way):
//
//   Common checks, in this order: empty/null token => "Parâmetro obrigatório ausente: token";
//   token != pbx.token => "Token inválido"; then each required argument (reference §2)
//   in argument order => "Parâmetro obrigatório ausente: <name>"; then value checks.
//   Every error is {"retorno": "<message>"} with HTTP 200, like the real PBX is
//   believed to do. "Empty" means null or "".
//
//   Dates: dataini/datafin are "YYYY-MM-DD HH:MM:SS" (a bare "YYYY-MM-DD" means
//   00:00:00 for dataini and 23:59:59 for datafin). They filter rows inclusively
//   by the row's date field (string comparison). Empty dataini => no lower bound,
//   empty datafin => no upper bound. (The real PBX defaults to today; our data is
//   in the past, so no bound is more useful.) Anything else =>
//   "Parâmetro inválido: dataini (use YYYY-MM-DD HH:MM:SS)".
//
//   List filters: agentes/filas are JSON-array strings ("[600,\"611\"]"); members
//   are compared as strings. Empty or "[]" => no filter. Not a JSON array =>
//   "Parâmetro inválido: agentes (use um array JSON, ex.: [600,611])".
//
//   op                    rows (pbx.json)            filters                                    shape
//   getAgent              agents                      -                                          list
//   agentStatus           agent_status                agente = num                               list
//   getPauses             pauses                      -                                          list
//   getExtens             extensions                  ramal = num                                list
//   extenStatus           exten_status                tipo (callcenter|pbx; all/empty = any) via
//                                                      extensions[].tipo of the same ramal;
//                                                      ramal = ramal                              OBJECT keyed by ramal
//                         (reference §4/§5: the observed /api/extenstatus contract is
//                          {"retorno": {"0119": {...}}}; empty result => {})
//   getQueue              queues                      fila = fila                                list
//   queueStatus           queue_status                fila = fila                                list
//   listTrunk             trunks                      -                                          list
//   listURA               uras                        idura = id                                 list
//   cdrSearch             cdrs                        datahora in dates; origem = origem;
//                                                      destino = destino; idunico = bilheteunico
//                                                      or idcti. idunico "FAULT" => SOAP fault
//                                                      (Server, "Falha simulada", "detalhe da falha") list
//   audioDownload         cdrs                        first row whose bilheteunico or idcti =
//                                                      idunico and whose audio != "", else
//                                                      "Gravação não encontrada: <idunico>"        object
//   cdrTariff             cdr_tariff                  datahorario in dates                       list
//   cdrURA                cdr_ura                     datahora in dates; idura = ura; idunico =
//                                                      bilheteunico or idcti                       list
//   ccenterAgents         ccenter.agents              agentes on agente (dates, filas: checked only) list
//   ccenterAttendForms    ccenter.attend_forms        datatime in dates; agentes on agente;
//                                                      filas on operacao                          list
//   ccenterCdr            ccenter.cdr                 datahora; agentes on agente; filas on fila list
//   ccenterMetrics        ccenter.metrics[report_name] verbatim (unknown name =>
//                                                      "Relatório não encontrado: <name>")        as stored
//   ccenterMetricsReports ccenter.metrics_reports     -                                          object
//   ccenterPauses         ccenter.pauses[report_type] "0": agentes on agente;
//                                                      "1": also inicio in dates                   list
//   ccenterSchedules      ccenter.schedules           retorno in dates; agentes on agente        list
//   ccenterSessions       ccenter.sessions[report_type] "0": agentes on agente; "1": datahora
//                                                      in dates, agentes on agente, filas on fila list
//   ccenterSurvey         ccenter.survey              call_date in dates; agentes on attendant;
//                                                      filas on call_dst                          list
//   report_type must be "0" or "1" => else "Parâmetro inválido: report_type (use 0 ou 1)".
//
//   Values keep the JSON types of pbx.json: strings where the PBX reads them from its
//   database (ids, "0119", "1749000000.123", HH:MM:SS), numbers in the ccenter*
//   aggregates (seconds, percentages).
//
//   audioDownload: {nomeaudio, data, tipo, status, origem, destino, arquivo_base_64}
//   where nomeaudio = the row's audio with its extension replaced by formato (empty
//   formato => "wav"; not mp3/ogg/wav => "Parâmetro inválido: formato (use mp3, ogg
//   ou wav)"), data = datahora, and arquivo_base_64 = base64 of uscall_wav(duracao in
//   seconds) whatever the formato: a WAV (PCM, 8000 Hz, 16-bit, mono) of
//   8 * (100 + seconds) samples, sample n = ((n % 20) < 10 ? (n % 20) : 20 - (n % 20)) * 1000 - 5000
//   (a 400 Hz triangle wave, little-endian int16), after the canonical 44-byte header.
//
//   Actions answer {"retorno": "<message>"}:
//     startCall     tipo must be outbound|clicktocall =>
//                   "Chamada <tipo> originada de <origem> para <destino> (categoria <c>, idcti <idcti>)"
//                   ("sem idcti" instead of "idcti <idcti>" when empty)
//     startCallura  idura must exist in uras ("URA não encontrada: <idura>") =>
//                   "Chamada para <destino> direcionada à URA <idura> (categoria <c>, idcti <x>[, cti_infoN=<v>...])"
//                   (only the non-empty cti_info1..10, in order; "sem idcti" when empty)
//     agentLogin    agent must exist ("Agente não encontrado"), senhamd5 must equal its md5
//                   (case-insensitive; else "Senha inválida") =>
//                   "Agente <a> logado no ramal <r> (fila chave <filachave or the agent's filachave>)"
//     agentLogout   "Agente <a> deslogado"
//     startPause    idpausa must be a pauses[].id ("Pausa não encontrada: <id>") =>
//                   "Agente <a> em pausa <id> (<pause>)"
//     endPause      "Agente <a> saiu da pausa"
//     hangupCall    agente = "yes": agent must exist => "Ligação do agente <r> desconectada";
//                   otherwise "Ligação do ramal <r> desconectada"
//     monitExten    tipo empty => escuta; must be escuta|monitor|conf. agente = "yes": dstramal
//                   must be an agent => "Monitoria <tipo> iniciada do ramal <src> para o agente <dst>",
//                   otherwise "... para o ramal <dst>"
//
// Malformed rows (USCALL_MALFORMED, a comma-separated list of operations; only cdrSearch
// knows it): after filtering, the first row's datahora reads "ontem" and the second row's
// duracao "1:99:00", so clients can check per-row decoding errors; other rows are untouched.
//
// Environment: USCALL_CALL_LOG (append one JSON line per call: server, op, args as bound),
// USCALL_CHARSET_MODE (escaped: default json_encode flags, ASCII with \u escapes;
// anything else: JSON_UNESCAPED_UNICODE; "latin1" additionally returns ISO-8859-1
// bytes, see uscall_json()), USCALL_WSDL_ADD (extra operations, see uscall_extra_ops()),
// USCALL_RECORDING_SECONDS (every recording as long as a call of that many seconds, for
// downloads of realistic size).

/** Which server bound the call: "nusoap" or "native"; set by the router script. */
$GLOBALS['USCALL_SERVER'] = $GLOBALS['USCALL_SERVER'] ?? 'unknown';

function uscall_data(): array
{
    static $data = null;
    if ($data === null) {
        $path = __DIR__ . '/../../uscall-mock/src/seed.json';
        $data = json_decode(file_get_contents($path), true, 512, JSON_THROW_ON_ERROR);
    }
    return $data;
}

/** Exceptions carrying a service error message, turned into {"retorno": message}. */
class UscallError extends Exception {}

/** Raised to make the server answer with a SOAP fault. */
class UscallFault extends Exception
{
    public function __construct(public string $faultString, public string $detail)
    {
        parent::__construct($faultString);
    }
}

/** Makes an argument valid UTF-8: NuSOAP hands over ISO-8859-1 bytes when the client declares no charset. */
function uscall_utf8($v)
{
    if (is_string($v) && !preg_match('//u', $v)) {
        return iconv('ISO-8859-1', 'UTF-8', $v);
    }
    return $v;
}

function uscall_log(string $op, array $args): void
{
    $path = getenv('USCALL_CALL_LOG');
    if (!$path) {
        return;
    }
    $line = json_encode(
        ['server' => $GLOBALS['USCALL_SERVER'], 'op' => $op, 'args' => (object) $args],
        JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE
    );
    file_put_contents($path, $line . "\n", FILE_APPEND | LOCK_EX);
}

/** Encodes an answer as the PBX would, according to USCALL_CHARSET_MODE. */
function uscall_json($retorno): string
{
    $mode = getenv('USCALL_CHARSET_MODE') ?: 'escaped';
    $flags = $mode === 'escaped' ? 0 : JSON_UNESCAPED_UNICODE;
    $json = json_encode(['retorno' => $retorno], $flags | JSON_THROW_ON_ERROR);
    if ($mode === 'latin1' && ($GLOBALS['USCALL_SERVER'] ?? '') === 'nusoap') {
        // NuSOAP writes the string's bytes as they are; its envelope says ISO-8859-1.
        $json = iconv('UTF-8', 'ISO-8859-1', $json);
    }
    return $json;
}

/**
 * Runs one operation: logs the bound arguments, normalises them, checks the token
 * and the required arguments, and turns the body's result or error into JSON.
 */
function uscall_run(string $op, array $args, array $required, callable $body)
{
    uscall_log($op, $args);
    $args = array_map('uscall_utf8', $args);
    try {
        $token = $args['token'] ?? null;
        if ($token === null || $token === '') {
            throw new UscallError('Parâmetro obrigatório ausente: token');
        }
        if ($token !== uscall_data()['token']) {
            throw new UscallError('Token inválido');
        }
        foreach ($required as $name) {
            if (($args[$name] ?? '') === '') {
                throw new UscallError("Parâmetro obrigatório ausente: $name");
            }
        }
        return uscall_json($body($args));
    } catch (UscallError $e) {
        return uscall_json($e->getMessage());
    } catch (UscallFault $f) {
        return uscall_fault($f->faultString, $f->detail);
    }
}

/** Server-specific fault; each router script overrides this by defining USCALL_FAULT_FN. */
function uscall_fault(string $string, string $detail)
{
    $fn = $GLOBALS['USCALL_FAULT_FN'] ?? null;
    if ($fn) {
        return $fn($string, $detail);
    }
    throw new SoapFault('Server', $string, null, $detail);
}

/** Whether USCALL_MALFORMED names $op (see the header). */
function uscall_malformed(string $op): bool
{
    $ops = array_map('trim', explode(',', getenv('USCALL_MALFORMED') ?: ''));
    return in_array($op, $ops, true);
}

function uscall_empty($v): bool
{
    return $v === null || $v === '';
}

/** Returns [lower, upper] bounds (null = unbounded) from dataini/datafin. */
function uscall_dates($ini, $fin): array
{
    $parse = function ($v, string $name, string $time) {
        if (uscall_empty($v)) {
            return null;
        }
        if (preg_match('/^\d{4}-\d{2}-\d{2}$/', $v)) {
            return "$v $time";
        }
        if (preg_match('/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/', $v)) {
            return $v;
        }
        throw new UscallError("Parâmetro inválido: $name (use YYYY-MM-DD HH:MM:SS)");
    };
    return [$parse($ini, 'dataini', '00:00:00'), $parse($fin, 'datafin', '23:59:59')];
}

function uscall_in_dates(string $value, array $bounds): bool
{
    [$lo, $hi] = $bounds;
    return ($lo === null || $value >= $lo) && ($hi === null || $value <= $hi);
}

/** Parses a JSON-array argument into a list of strings; null means "no filter". */
function uscall_list($v, string $name): ?array
{
    if (uscall_empty($v)) {
        return null;
    }
    $list = json_decode($v, true);
    if (!is_array($list) || !array_is_list($list)) {
        throw new UscallError("Parâmetro inválido: $name (use um array JSON, ex.: [600,611])");
    }
    foreach ($list as $item) {
        if (!is_scalar($item)) {
            throw new UscallError("Parâmetro inválido: $name (use um array JSON, ex.: [600,611])");
        }
    }
    return $list === [] ? null : array_map('strval', $list);
}

/** Keeps the rows for which every [field, allowed] filter holds (allowed null = no filter). */
function uscall_filter(array $rows, array $filters): array
{
    return array_values(array_filter($rows, function ($row) use ($filters) {
        foreach ($filters as [$field, $allowed]) {
            if ($allowed === null) {
                continue;
            }
            $allowed = is_array($allowed) ? $allowed : [$allowed];
            if (!in_array((string) $row[$field], $allowed, true)) {
                return false;
            }
        }
        return true;
    }));
}

function uscall_eq($v): ?string
{
    return uscall_empty($v) ? null : (string) $v;
}

function uscall_agent(string $agente): array
{
    foreach (uscall_data()['agents'] as $a) {
        if ($a['agente'] === $agente) {
            return $a;
        }
    }
    throw new UscallError('Agente não encontrado');
}

function uscall_report_type($v): string
{
    if ($v !== '0' && $v !== '1') {
        throw new UscallError('Parâmetro inválido: report_type (use 0 ou 1)');
    }
    return $v;
}

function uscall_seconds(string $hms): int
{
    [$h, $m, $s] = array_map('intval', explode(':', $hms));
    return $h * 3600 + $m * 60 + $s;
}

/** A deterministic WAV (8 kHz, 16-bit, mono) whose length grows with the call's duration. */
function uscall_wav(int $seconds): string
{
    $samples = 8 * (100 + $seconds);
    // The wave repeats every 20 samples: one period, repeated (recordings can be long).
    $period = '';
    for ($n = 0; $n < 20; $n++) {
        $period .= pack('v', ((($n < 10) ? $n : 20 - $n) * 1000 - 5000) & 0xFFFF);
    }
    $pcm = substr(str_repeat($period, intdiv($samples, 20) + 1), 0, 2 * $samples);
    $len = strlen($pcm);
    return 'RIFF' . pack('V', 36 + $len) . 'WAVE'
        . 'fmt ' . pack('VvvVVvv', 16, 1, 1, 8000, 16000, 2, 16)
        . 'data' . pack('V', $len) . $pcm;
}

// ---------------------------------------------------------------------------
// The 30 operations, in the order of reference §2.

function getAgent($token = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), [], fn($a) => uscall_data()['agents']);
}

function startCall($token = null, $tipo = null, $origem = null, $destino = null, $categoria = null, $idcti = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), ['tipo', 'origem', 'destino', 'categoria'], function ($a) {
        if (!in_array($a['tipo'], ['outbound', 'clicktocall'], true)) {
            throw new UscallError('Parâmetro inválido: tipo (use outbound ou clicktocall)');
        }
        $cti = uscall_empty($a['idcti']) ? 'sem idcti' : "idcti {$a['idcti']}";
        return "Chamada {$a['tipo']} originada de {$a['origem']} para {$a['destino']} (categoria {$a['categoria']}, $cti)";
    });
}

function cdrSearch($token = null, $dataini = null, $datafin = null, $origem = null, $destino = null, $idunico = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), [], function ($a) {
        if ($a['idunico'] === 'FAULT') {
            throw new UscallFault('Falha simulada', 'detalhe da falha');
        }
        $dates = uscall_dates($a['dataini'], $a['datafin']);
        $rows = array_filter(uscall_data()['cdrs'], function ($r) use ($a, $dates) {
            return uscall_in_dates($r['datahora'], $dates)
                && (uscall_empty($a['idunico']) || $r['bilheteunico'] === $a['idunico'] || $r['idcti'] === $a['idunico']);
        });
        $rows = uscall_filter(array_values($rows), [['origem', uscall_eq($a['origem'])], ['destino', uscall_eq($a['destino'])]]);
        if (uscall_malformed('cdrSearch')) {
            if (isset($rows[0])) {
                $rows[0]['datahora'] = 'ontem';
            }
            if (isset($rows[1])) {
                $rows[1]['duracao'] = '1:99:00';
            }
        }
        return $rows;
    });
}

function audioDownload($token = null, $idunico = null, $formato = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), ['idunico'], function ($a) {
        $formato = uscall_empty($a['formato']) ? 'wav' : $a['formato'];
        if (!in_array($formato, ['mp3', 'ogg', 'wav'], true)) {
            throw new UscallError('Parâmetro inválido: formato (use mp3, ogg ou wav)');
        }
        foreach (uscall_data()['cdrs'] as $r) {
            if (($r['bilheteunico'] === $a['idunico'] || $r['idcti'] === $a['idunico']) && $r['audio'] !== '') {
                return [
                    'nomeaudio' => preg_replace('/\.[^.]*$/', '', $r['audio']) . ".$formato",
                    'data' => $r['datahora'],
                    'tipo' => $r['tipo'],
                    'status' => $r['status'],
                    'origem' => $r['origem'],
                    'destino' => $r['destino'],
                    'arquivo_base_64' => base64_encode(uscall_wav(
                        (int) (getenv('USCALL_RECORDING_SECONDS') ?: uscall_seconds($r['duracao']))
                    )),
                ];
            }
        }
        throw new UscallError("Gravação não encontrada: {$a['idunico']}");
    });
}

function agentLogin($token = null, $agente = null, $ramal = null, $senhamd5 = null, $filachave = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), ['agente', 'ramal', 'senhamd5'], function ($a) {
        $agent = uscall_agent($a['agente']);
        if (strtolower($a['senhamd5']) !== $agent['senhamd5']) {
            throw new UscallError('Senha inválida');
        }
        $fila = uscall_empty($a['filachave']) ? $agent['filachave'] : $a['filachave'];
        return "Agente {$a['agente']} logado no ramal {$a['ramal']} (fila chave $fila)";
    });
}

function agentLogout($token = null, $agente = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), ['agente'], function ($a) {
        uscall_agent($a['agente']);
        return "Agente {$a['agente']} deslogado";
    });
}

function agentStatus($token = null, $agente = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), [], fn($a) =>
        uscall_filter(uscall_data()['agent_status'], [['num', uscall_eq($a['agente'])]]));
}

function getPauses($token = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), [], fn($a) => uscall_data()['pauses']);
}

function startPause($token = null, $agente = null, $idpausa = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), ['agente', 'idpausa'], function ($a) {
        uscall_agent($a['agente']);
        foreach (uscall_data()['pauses'] as $p) {
            if ($p['id'] === $a['idpausa']) {
                return "Agente {$a['agente']} em pausa {$p['id']} ({$p['pause']})";
            }
        }
        throw new UscallError("Pausa não encontrada: {$a['idpausa']}");
    });
}

function endPause($token = null, $agente = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), ['agente'], function ($a) {
        uscall_agent($a['agente']);
        return "Agente {$a['agente']} saiu da pausa";
    });
}

function hangupCall($token = null, $ramal = null, $agente = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), ['ramal'], function ($a) {
        if ($a['agente'] === 'yes') {
            uscall_agent($a['ramal']);
            return "Ligação do agente {$a['ramal']} desconectada";
        }
        return "Ligação do ramal {$a['ramal']} desconectada";
    });
}

function monitExten($token = null, $srcramal = null, $dstramal = null, $agente = null, $tipo = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), ['srcramal', 'dstramal'], function ($a) {
        $tipo = uscall_empty($a['tipo']) ? 'escuta' : $a['tipo'];
        if (!in_array($tipo, ['escuta', 'monitor', 'conf'], true)) {
            throw new UscallError('Parâmetro inválido: tipo (use escuta, monitor ou conf)');
        }
        if ($a['agente'] === 'yes') {
            uscall_agent($a['dstramal']);
            return "Monitoria $tipo iniciada do ramal {$a['srcramal']} para o agente {$a['dstramal']}";
        }
        return "Monitoria $tipo iniciada do ramal {$a['srcramal']} para o ramal {$a['dstramal']}";
    });
}

function getExtens($token = null, $ramal = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), [], fn($a) =>
        uscall_filter(uscall_data()['extensions'], [['num', uscall_eq($a['ramal'])]]));
}

function extenStatus($token = null, $tipo = null, $ramal = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), [], function ($a) {
        $tipo = uscall_empty($a['tipo']) ? 'all' : $a['tipo'];
        if (!in_array($tipo, ['callcenter', 'pbx', 'all'], true)) {
            throw new UscallError('Parâmetro inválido: tipo (use callcenter, pbx ou all)');
        }
        $tipos = array_column(uscall_data()['extensions'], 'tipo', 'num');
        $out = new stdClass();
        foreach (uscall_filter(uscall_data()['exten_status'], [['ramal', uscall_eq($a['ramal'])]]) as $r) {
            if ($tipo === 'all' || ($tipos[$r['ramal']] ?? null) === $tipo) {
                $out->{$r['ramal']} = $r;
            }
        }
        return $out;
    });
}

function getQueue($token = null, $fila = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), [], fn($a) =>
        uscall_filter(uscall_data()['queues'], [['fila', uscall_eq($a['fila'])]]));
}

function queueStatus($token = null, $fila = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), [], fn($a) =>
        uscall_filter(uscall_data()['queue_status'], [['fila', uscall_eq($a['fila'])]]));
}

function cdrTariff($token = null, $dataini = null, $datafin = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), [], function ($a) {
        $dates = uscall_dates($a['dataini'], $a['datafin']);
        return array_values(array_filter(uscall_data()['cdr_tariff'], fn($r) => uscall_in_dates($r['datahorario'], $dates)));
    });
}

function listTrunk($token = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), [], fn($a) => uscall_data()['trunks']);
}

function listURA($token = null, $idura = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), [], fn($a) =>
        uscall_filter(uscall_data()['uras'], [['id', uscall_eq($a['idura'])]]));
}

function startCallura($token = null, $idura = null, $destino = null, $categoria = null, $idcti = null,
    $cti_info1 = null, $cti_info2 = null, $cti_info3 = null, $cti_info4 = null, $cti_info5 = null,
    $cti_info6 = null, $cti_info7 = null, $cti_info8 = null, $cti_info9 = null, $cti_info10 = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), ['idura', 'destino', 'categoria'], function ($a) {
        if (!in_array($a['idura'], array_column(uscall_data()['uras'], 'id'), true)) {
            throw new UscallError("URA não encontrada: {$a['idura']}");
        }
        $parts = [uscall_empty($a['idcti']) ? 'sem idcti' : "idcti {$a['idcti']}"];
        for ($i = 1; $i <= 10; $i++) {
            if (!uscall_empty($a["cti_info$i"])) {
                $parts[] = "cti_info$i=" . $a["cti_info$i"];
            }
        }
        return "Chamada para {$a['destino']} direcionada à URA {$a['idura']} (categoria {$a['categoria']}, "
            . implode(', ', $parts) . ')';
    });
}

function cdrURA($token = null, $dataini = null, $datafin = null, $idura = null, $idunico = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), [], function ($a) {
        $dates = uscall_dates($a['dataini'], $a['datafin']);
        $rows = array_filter(uscall_data()['cdr_ura'], fn($r) => uscall_in_dates($r['datahora'], $dates)
            && (uscall_empty($a['idunico']) || $r['bilheteunico'] === $a['idunico'] || $r['idcti'] === $a['idunico']));
        return uscall_filter(array_values($rows), [['ura', uscall_eq($a['idura'])]]);
    });
}

function ccenterAgents($token = null, $agentes = null, $filas = null, $dataini = null, $datafin = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), ['agentes', 'filas'], function ($a) {
        uscall_list($a['filas'], 'filas');
        uscall_dates($a['dataini'], $a['datafin']);
        return uscall_filter(uscall_data()['ccenter']['agents'], [['agente', uscall_list($a['agentes'], 'agentes')]]);
    });
}

function ccenterAttendForms($token = null, $agentes = null, $filas = null, $dataini = null, $datafin = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), [], function ($a) {
        if (uscall_empty($a['agentes']) && uscall_empty($a['filas'])) {
            throw new UscallError('Parâmetro obrigatório ausente: agentes ou filas');
        }
        $dates = uscall_dates($a['dataini'], $a['datafin']);
        $rows = array_filter(uscall_data()['ccenter']['attend_forms'], fn($r) => uscall_in_dates($r['datatime'], $dates));
        return uscall_filter(array_values($rows), [
            ['agente', uscall_list($a['agentes'], 'agentes')],
            ['operacao', uscall_list($a['filas'], 'filas')],
        ]);
    });
}

function ccenterCdr($token = null, $dataini = null, $datafin = null, $agentes = null, $filas = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), ['agentes', 'filas'], function ($a) {
        $dates = uscall_dates($a['dataini'], $a['datafin']);
        $rows = array_filter(uscall_data()['ccenter']['cdr'], fn($r) => uscall_in_dates($r['datahora'], $dates));
        return uscall_filter(array_values($rows), [
            ['agente', uscall_list($a['agentes'], 'agentes')],
            ['fila', uscall_list($a['filas'], 'filas')],
        ]);
    });
}

function ccenterMetrics($token = null, $report_name = null, $agentes = null, $filas = null, $dataini = null, $datafin = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), ['report_name', 'agentes', 'filas'], function ($a) {
        uscall_list($a['agentes'], 'agentes');
        uscall_list($a['filas'], 'filas');
        uscall_dates($a['dataini'], $a['datafin']);
        $metrics = uscall_data()['ccenter']['metrics'];
        if (!array_key_exists($a['report_name'], $metrics)) {
            throw new UscallError("Relatório não encontrado: {$a['report_name']}");
        }
        return $metrics[$a['report_name']];
    });
}

function ccenterMetricsReports($token = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), [], fn($a) => (object) uscall_data()['ccenter']['metrics_reports']);
}

function ccenterPauses($token = null, $report_type = null, $agentes = null, $filas = null, $dataini = null, $datafin = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), ['report_type', 'agentes', 'filas'], function ($a) {
        $type = uscall_report_type($a['report_type']);
        uscall_list($a['filas'], 'filas');
        $dates = uscall_dates($a['dataini'], $a['datafin']);
        $rows = uscall_data()['ccenter']['pauses'][$type];
        if ($type === '1') {
            $rows = array_values(array_filter($rows, fn($r) => uscall_in_dates($r['inicio'], $dates)));
        }
        return uscall_filter($rows, [['agente', uscall_list($a['agentes'], 'agentes')]]);
    });
}

function ccenterSchedules($token = null, $dataini = null, $datafin = null, $agentes = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), [], function ($a) {
        $dates = uscall_dates($a['dataini'], $a['datafin']);
        $rows = array_filter(uscall_data()['ccenter']['schedules'], fn($r) => uscall_in_dates($r['retorno'], $dates));
        return uscall_filter(array_values($rows), [['agente', uscall_list($a['agentes'], 'agentes')]]);
    });
}

function ccenterSessions($token = null, $report_type = null, $agentes = null, $filas = null, $dataini = null, $datafin = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), ['report_type', 'agentes', 'filas'], function ($a) {
        $type = uscall_report_type($a['report_type']);
        $filas = uscall_list($a['filas'], 'filas');
        $dates = uscall_dates($a['dataini'], $a['datafin']);
        $rows = uscall_data()['ccenter']['sessions'][$type];
        $filters = [['agente', uscall_list($a['agentes'], 'agentes')]];
        if ($type === '1') {
            $rows = array_values(array_filter($rows, fn($r) => uscall_in_dates($r['datahora'], $dates)));
            $filters[] = ['fila', $filas];
        }
        return uscall_filter($rows, $filters);
    });
}

function ccenterSurvey($token = null, $agentes = null, $filas = null, $dataini = null, $datafin = null)
{
    return uscall_run(__FUNCTION__, get_defined_vars(), [], function ($a) {
        $dates = uscall_dates($a['dataini'], $a['datafin']);
        $rows = array_filter(uscall_data()['ccenter']['survey'], fn($r) => uscall_in_dates($r['call_date'], $dates));
        return uscall_filter(array_values($rows), [
            ['attendant', uscall_list($a['agentes'], 'agentes')],
            ['call_dst', uscall_list($a['filas'], 'filas')],
        ]);
    });
}

// ---------------------------------------------------------------------------

/** The 30 operations and their positional parameter names, read from the functions above. */
function uscall_operations(): array
{
    $ops = [];
    foreach (['getAgent', 'startCall', 'cdrSearch', 'audioDownload', 'agentLogin', 'agentLogout',
        'agentStatus', 'getPauses', 'startPause', 'endPause', 'hangupCall', 'monitExten', 'getExtens',
        'extenStatus', 'getQueue', 'queueStatus', 'cdrTariff', 'listTrunk', 'listURA', 'startCallura',
        'cdrURA', 'ccenterAgents', 'ccenterAttendForms', 'ccenterCdr', 'ccenterMetrics',
        'ccenterMetricsReports', 'ccenterPauses', 'ccenterSchedules', 'ccenterSessions', 'ccenterSurvey'] as $op) {
        $ops[$op] = array_map(fn($p) => $p->getName(), (new ReflectionFunction($op))->getParameters());
    }
    return $ops;
}

/**
 * Extra operations from USCALL_WSDL_ADD ("opName:p1,p2;other:q1"; ";" or "|" separates
 * operations). Each is defined as a global function answering {"retorno": "ok <opName>"}
 * (plus its bound arguments in the call log). Returns [opName => [parts]].
 */
function uscall_extra_ops(): array
{
    static $ops = null;
    if ($ops !== null) {
        return $ops;
    }
    $ops = [];
    $spec = getenv('USCALL_WSDL_ADD') ?: '';
    foreach (preg_split('/[;|]/', $spec, -1, PREG_SPLIT_NO_EMPTY) as $one) {
        [$name, $parts] = array_pad(explode(':', trim($one), 2), 2, '');
        $parts = array_values(array_filter(array_map('trim', explode(',', $parts)), 'strlen'));
        if (!preg_match('/^[A-Za-z_]\w*$/', $name) || function_exists($name)) {
            error_log("USCALL_WSDL_ADD: ignoring bad or existing operation name '$name'");
            continue;
        }
        foreach ($parts as $p) {
            if (!preg_match('/^[A-Za-z_]\w*$/', $p)) {
                error_log("USCALL_WSDL_ADD: bad part name '$p' in '$name'");
                continue 2;
            }
        }
        $ops[$name] = $parts;
        eval("function $name(...\$args) { return uscall_extra_call('$name', \$args); }");
    }
    return $ops;
}

function uscall_extra_call(string $name, array $values)
{
    $names = uscall_extra_ops()[$name];
    $args = [];
    foreach ($names as $i => $p) {
        $args[$p] = $values[$i] ?? null;
    }
    uscall_log($name, $args);
    return uscall_json("ok $name");
}

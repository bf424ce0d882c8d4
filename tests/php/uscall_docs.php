<?php
//! Portuguese documentation of each operation, as NuSOAP puts it in the WSDL (from the vendor document, or ours where it is silent).
//
// The last sentence of each text, "Parâmetros necessários: ...", lists the required
// parts by name; the code generator reads it to tell required from optional.

return [
    'getAgent' => 'Lista os agentes de call center cadastrados na empresa. São retornados os dados: número do agente, nome do agente, senha MD5 e fila chave. Parâmetros necessários: Token.',
    'startCall' => 'Efetua uma ligação pelo USCall. O parâmetro tipo informa a forma de discagem: outbound (ligação ativa por um ramal; em origem o número do ramal e em destino o número que será discado) ou clicktocall (discagem para o número em origem, direcionada ao DDR informado em destino). categoria informa a regra de discagem da empresa; o número deve estar no formato das regras dessa categoria. idcti: ID gerado pelo integrador para buscas de gravações (opcional). Parâmetros necessários: Token, tipo, origem, destino, categoria.',
    'cdrSearch' => 'Busca os registros de ligações do PBX. dataini e datafin: data e horário inicial e final do filtro, formato YYYY-MM-DD HH:i:s; se nulos, é usada a data atual, das 00:00:00 às 23:59:59. origem e destino: números de origem e destino do filtro (podem ser nulos). idunico: ID do sistema ou cti para buscar um registro específico. Parâmetros necessários: Token.',
    'audioDownload' => 'Busca a gravação de uma ligação no PBX; o áudio é retornado codificado em base64 no campo arquivo_base_64. idunico: ID único da ligação (bilheteunico da função cdrSearch) ou o idcti informado na função startCall. formato: mp3, ogg ou wav; se não informado, WAV (16 bits, 8000 Hz). Parâmetros necessários: Token, idunico.',
    'agentLogin' => 'Efetua o login de um agente no sistema. agente: número do agente; ramal: ramal que o agente irá utilizar; senhamd5: senha do agente em MD5; filachave: fila chave (do tipo Call Center) à qual o agente será associado; se não informada, é usada a fila chave configurada no sistema. Parâmetros necessários: Token, agente, ramal, senhamd5.',
    'agentLogout' => 'Efetua o logout de um agente no sistema. agente: número do agente logado. Parâmetros necessários: Token, agente.',
    'agentStatus' => 'Consulta o status dos agentes. agente: número do agente; se não informado, são retornados todos os agentes. Status possíveis: em pausa, ocupado, tocando, ocioso, ramal inoperante, desconhecido, erro login, nao logado. Parâmetros necessários: Token.',
    'getPauses' => 'Consulta as pausas cadastradas no sistema: id, nome, tempo máximo em segundos (0 para ilimitado) e filas permitidas (ALL para todas). Parâmetros necessários: Token.',
    'startPause' => 'Pausa um agente logado no sistema. idpausa: ID da pausa, consulte a função getPauses. Parâmetros necessários: Token, agente, idpausa.',
    'endPause' => 'Retira um agente da pausa. agente: número do agente logado. Parâmetros necessários: Token, agente.',
    'hangupCall' => 'Desconecta uma ligação em curso de um ramal ou agente. ramal: número do ramal ou agente; agente: use yes se o valor em ramal for um agente (se não informado, é considerado um ramal). Parâmetros necessários: Token, ramal.',
    'monitExten' => 'Monitora uma ligação em curso de um ramal ou agente. srcramal: ramal que iniciará a monitoria; dstramal: ramal ou agente monitorado; agente: use yes se dstramal for um agente; tipo: escuta (silenciosa, padrão), monitor (o monitorado ouve quem monitora) ou conf (todos se ouvem). Parâmetros necessários: Token, srcramal, dstramal.',
    'getExtens' => 'Lista os ramais cadastrados no sistema (número, tipo callcenter ou pbx, nome). ramal: número do ramal; se não informado, são listados todos. Parâmetros necessários: Token.',
    'extenStatus' => 'Mostra o status dos ramais: disponível, indisponível, ocupado, tocando ou discando. tipo: callcenter, pbx ou all (padrão: todos); ramal: número do ramal (padrão: todos). Parâmetros necessários: Token.',
    'getQueue' => 'Lista as filas cadastradas no sistema (número, tipo callcenter ou pbx, nome). fila: número da fila; se não informada, são listadas todas. Parâmetros necessários: Token.',
    'queueStatus' => 'Lista as ligações em espera nas filas e o status de cada fila: ok (fila vazia) ou busy (ligações em espera). fila: número da fila; se não informada, todas. Parâmetros necessários: Token.',
    'cdrTariff' => 'Lista os registros de ligações de saída, para uso com tarifadores. dataini e datafin: data e horário inicial e final, formato YYYY-MM-DD HH:i:s; se não informados, é usada a data do dia, das 00:00 às 23:59. Parâmetros necessários: Token.',
    'listTrunk' => 'Lista os troncos criados no PBX: nome, tipo e canal de discagem. Parâmetros necessários: Token.',
    'listURA' => 'Lista as URAs dinâmicas (com sintetizador de voz) criadas no PBX, com seus fluxos e palavras. idura: ID único da URA para consulta. Parâmetros necessários: Token.',
    'startCallura' => 'Disca para um número e direciona a ligação atendida para uma URA de atendimento dinâmica. idura: ID da URA; destino: número que será discado, no formato da categoria; categoria: regra de discagem; idcti: ID gerado pelo integrador (opcional); cti_info1 a cti_info10: variáveis faladas pela URA com sintetizador de voz, conforme o texto do fluxo (consulte listURA). Parâmetros necessários: Token, idura, destino, categoria.',
    'cdrURA' => 'Consulta os registros das ligações que entraram nas URAs de atendimento dinâmicas. dataini e datafin: formato YYYY-MM-DD HH:i:s, padrão a data atual; idura: ID da URA; idunico: ID do sistema ou cti de um registro específico. Parâmetros necessários: Token.',
    'ccenterAgents' => 'Relatório de produtividade dos agentes no período: tempos de sessão, ocupado, ocioso e pausas (em segundos e percentuais), TMA e ligações receptivas e ativas. agentes e filas: arrays JSON, ex.: [600,611] e ["Ativo",900]. Parâmetros necessários: Token, agentes, filas.',
    'ccenterAttendForms' => 'Relatório detalhado dos atendimentos com formulários e qualificações. Informe agentes ou filas (arrays JSON). Parâmetros necessários: Token.',
    'ccenterCdr' => 'Registros detalhados das ligações receptivas e ativas do call center. Atenção à ordem: as datas vêm antes de agentes e filas (arrays JSON). Parâmetros necessários: Token, agentes, filas.',
    'ccenterMetrics' => 'Métricas sintéticas do call center no período; o formato depende do relatório. report_name: nome retornado pela função ccenterMetricsReports; agentes e filas: arrays JSON. Parâmetros necessários: Token, report_name, agentes, filas.',
    'ccenterMetricsReports' => 'Lista os nomes de relatório válidos para ccenterMetrics, com suas descrições. Parâmetros necessários: Token.',
    'ccenterPauses' => 'Relatório de pausas dos agentes. report_type: 0 (sintético) ou 1 (analítico); agentes e filas: arrays JSON. Parâmetros necessários: Token, report_type, agentes, filas.',
    'ccenterSchedules' => 'Lista os agendamentos dos agentes (LEMBRETE ou RETORNO) no período. agentes: array JSON. Parâmetros necessários: Token.',
    'ccenterSessions' => 'Relatório de sessões (login e logout) dos agentes. report_type: 0 (sintético) ou 1 (analítico); agentes e filas: arrays JSON. Parâmetros necessários: Token, report_type, agentes, filas.',
    'ccenterSurvey' => 'Resultados das pesquisas de satisfação pós-atendimento (COMPLETA, INCOMPLETA ou NÃO AVALIADO), com as avaliações e notas. agentes e filas: arrays JSON. Parâmetros necessários: Token.',
];

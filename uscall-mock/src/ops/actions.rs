//! The actions: agents logging in and out and pausing, calls started (outbound, click-to-call,
//! through a URA), hung up and monitored, each changing the state the reads then show, with
//! the PBX's refusals and its confirmation messages.

use super::{Args, Context, Step};
use crate::state::{LiveCall, Paused, State, row, set};
use serde_json::Value;

/// `None` when `operation` is not an action.
pub(super) fn run(
    operation: &str,
    args: &Args<'_>,
    state: &mut State,
    cx: &Context,
) -> Option<Step<Value>> {
    let message = match operation {
        "startCall" => start_call(args, state, cx),
        "startCallura" => start_callura(args, state, cx),
        "agentLogin" => agent_login(args, state, cx),
        "agentLogout" => agent_logout(args, state, cx),
        "startPause" => start_pause(args, state, cx),
        "endPause" => agent(state, args.text("agente")).map(|()| {
            let agente = args.text("agente");
            state.end_pause(agente, cx.clock.now());
            format!("Agente {agente} saiu da pausa")
        }),
        "hangupCall" => hangup(args, state, cx),
        "monitExten" => monit_exten(args, state, cx),
        _ => return None,
    };
    Some(message.map(Value::String))
}

/// Refuses an agent the company does not have.
fn agent(state: &State, agente: &str) -> Step<()> {
    match row(state.table("agents"), "agente", agente) {
        Some(_) => Ok(()),
        None => Err("Agente não encontrado".into()),
    }
}

/// Whether `number` fits one of category `categoria`'s dialling rules (digits only, its
/// prefix, one of its lengths).
fn check_number(state: &State, categoria: &str, number: &str) -> Step<()> {
    let Some(category) = row(state.table("categories"), "id", categoria) else {
        return Err(format!("Categoria não encontrada: {categoria}").into());
    };
    let rules = category
        .get("regras")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let fits = number.bytes().all(|b| b.is_ascii_digit())
        && rules.iter().any(|rule| {
            let prefix = rule.get("prefixo").and_then(Value::as_str).unwrap_or("");
            let lengths = rule.get("digitos").and_then(Value::as_array);
            number.starts_with(prefix)
                && lengths
                    .is_some_and(|l| l.iter().any(|n| n.as_u64() == Some(number.len() as u64)))
        });
    if fits {
        Ok(())
    } else {
        let name = category
            .get("nome")
            .and_then(Value::as_str)
            .unwrap_or(categoria);
        Err(format!("Número inválido para a categoria {categoria} ({name}): {number}").into())
    }
}

/// The agent logged in on `ramal`, if any.
fn agent_on(state: &State, ramal: &str) -> Option<String> {
    state
        .table("agent_status")
        .iter()
        .filter_map(Value::as_object)
        .find(|r| {
            r.get("ramal").and_then(Value::as_str) == Some(ramal)
                && !matches!(
                    r.get("status").and_then(Value::as_str),
                    Some("nao logado" | "desconhecido" | "erro login")
                )
        })
        .and_then(|r| r.get("num").and_then(Value::as_str).map(str::to_owned))
}

fn cti_text(idcti: &str) -> String {
    if idcti.is_empty() {
        "sem idcti".to_owned()
    } else {
        format!("idcti {idcti}")
    }
}

fn start_call(args: &Args<'_>, state: &mut State, cx: &Context) -> Step<String> {
    let (tipo, origem, destino, categoria) = (
        args.text("tipo"),
        args.text("origem"),
        args.text("destino"),
        args.text("categoria"),
    );
    // outbound: an extension dials a number; clicktocall: a number is called and put through
    // to the DDR or extension in destino.
    let (ramal, number) = match tipo {
        "outbound" => (Some(origem), destino),
        "clicktocall" => (
            row(state.table("extensions"), "num", destino).map(|_| destino),
            origem,
        ),
        _ => return Err("Parâmetro inválido: tipo (use outbound ou clicktocall)".into()),
    };
    check_number(state, categoria, number)?;
    if let Some(ramal) = ramal
        && row(state.table("extensions"), "num", ramal).is_none()
    {
        return Err(format!("Ramal não encontrado: {ramal}").into());
    }
    let idcti = args.text("idcti");
    begin(
        state,
        cx,
        tipo,
        ramal,
        origem,
        destino,
        categoria,
        idcti,
        None,
        Vec::new(),
    );
    Ok(format!(
        "Chamada {tipo} originada de {origem} para {destino} (categoria {categoria}, {})",
        cti_text(idcti)
    ))
}

fn start_callura(args: &Args<'_>, state: &mut State, cx: &Context) -> Step<String> {
    let (idura, destino, categoria, idcti) = (
        args.text("idura"),
        args.text("destino"),
        args.text("categoria"),
        args.text("idcti"),
    );
    if row(state.table("uras"), "id", idura).is_none() {
        return Err(format!("URA não encontrada: {idura}").into());
    }
    check_number(state, categoria, destino)?;
    let cti: Vec<(String, String)> = (1..=10)
        .filter_map(|i| {
            let name = format!("cti_info{i}");
            args.get(&name).map(|v| (name, v.to_owned()))
        })
        .collect();
    let mut parts = vec![cti_text(idcti)];
    parts.extend(cti.iter().map(|(k, v)| format!("{k}={v}")));
    begin(
        state,
        cx,
        "ura",
        None,
        "",
        destino,
        categoria,
        idcti,
        Some(idura),
        cti,
    );
    Ok(format!(
        "Chamada para {destino} direcionada à URA {idura} (categoria {categoria}, {})",
        parts.join(", ")
    ))
}

/// Puts a new call in progress, the extension and its agent busy with it.
#[allow(clippy::too_many_arguments)]
fn begin(
    state: &mut State,
    cx: &Context,
    kind: &str,
    ramal: Option<&str>,
    origem: &str,
    destino: &str,
    categoria: &str,
    idcti: &str,
    ura: Option<&str>,
    cti: Vec<(String, String)>,
) {
    let now = cx.clock.now();
    let id = state.next_id(now);
    let agente = ramal.and_then(|r| agent_on(state, r));
    let other = if kind == "outbound" { destino } else { origem };
    if let Some(ramal) = ramal
        && let Some(r) = state.row_mut("exten_status", "ramal", ramal)
    {
        set(
            r,
            &[
                ("status", "ocupado"),
                ("numero", other),
                ("tempo", "00:00:00"),
            ],
        );
    }
    if let Some(agente) = &agente {
        state.finish_pause(agente, now);
        if let Some(r) = state.row_mut("agent_status", "num", agente) {
            set(
                r,
                &[
                    ("status", "ocupado"),
                    ("pausa", ""),
                    ("numero", other),
                    ("tempo", "00:00:00"),
                    ("idcall", &id),
                ],
            );
        }
    }
    state.calls.push(LiveCall {
        id,
        kind: kind.to_owned(),
        ramal: ramal.map(str::to_owned),
        agente,
        origem: if kind == "ura" {
            String::new()
        } else {
            origem.to_owned()
        },
        destino: destino.to_owned(),
        categoria: categoria.to_owned(),
        idcti: idcti.to_owned(),
        ura: ura.map(str::to_owned),
        cti,
        started: now,
        lasts: cx.call_length,
    });
}

fn agent_login(args: &Args<'_>, state: &mut State, cx: &Context) -> Step<String> {
    let (agente, ramal) = (args.text("agente"), args.text("ramal"));
    let Some(known) = row(state.table("agents"), "agente", agente).cloned() else {
        return Err("Agente não encontrado".into());
    };
    let hash = known.get("senhamd5").and_then(Value::as_str).unwrap_or("");
    if args.text("senhamd5").to_ascii_lowercase() != hash {
        return Err("Senha inválida".into());
    }
    let fila = args
        .get("filachave")
        .or_else(|| known.get("filachave").and_then(Value::as_str))
        .unwrap_or("")
        .to_owned();
    if let Some(r) = state.row_mut("agent_status", "num", agente) {
        set(
            r,
            &[
                ("status", "ocioso"),
                ("pausa", ""),
                ("ramal", ramal),
                ("numero", ""),
                ("tempo", ""),
            ],
        );
        let filas = r.entry("filas").or_insert_with(|| Value::Array(Vec::new()));
        if let Some(list) = filas.as_array_mut()
            && !fila.is_empty()
            && !list.iter().any(|f| f.as_str() == Some(fila.as_str()))
        {
            list.push(Value::String(fila.clone()));
        }
    }
    state.session_login(agente, &fila, cx.clock.now());
    Ok(format!(
        "Agente {agente} logado no ramal {ramal} (fila chave {fila})"
    ))
}

fn agent_logout(args: &Args<'_>, state: &mut State, cx: &Context) -> Step<String> {
    let agente = args.text("agente");
    agent(state, agente)?;
    let now = cx.clock.now();
    state.finish_pause(agente, now);
    let fila = first_queue(state, agente);
    state.session_logout(agente, &fila, now);
    if let Some(r) = state.row_mut("agent_status", "num", agente) {
        set(
            r,
            &[
                ("status", "nao logado"),
                ("pausa", ""),
                ("ramal", ""),
                ("numero", ""),
                ("tempo", ""),
            ],
        );
    }
    Ok(format!("Agente {agente} deslogado"))
}

fn start_pause(args: &Args<'_>, state: &mut State, cx: &Context) -> Step<String> {
    let (agente, idpausa) = (args.text("agente"), args.text("idpausa"));
    agent(state, agente)?;
    let Some(pause) = row(state.table("pauses"), "id", idpausa).cloned() else {
        return Err(format!("Pausa não encontrada: {idpausa}").into());
    };
    let status = state.agent_status(agente).cloned().unwrap_or_default();
    let text = |m: &serde_json::Map<String, Value>, k: &str| {
        m.get(k).and_then(Value::as_str).unwrap_or("").to_owned()
    };
    if matches!(
        text(&status, "status").as_str(),
        "nao logado" | "desconhecido" | "erro login"
    ) {
        return Err(format!("Agente {agente} não está logado").into());
    }
    // A pause names the queues it may be taken in (`ALL` or `900,901`).
    let allowed = text(&pause, "filas");
    let queues: Vec<String> = status
        .get("filas")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|f| f.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if allowed != "ALL"
        && !allowed
            .split(',')
            .any(|f| queues.iter().any(|q| q == f.trim()))
    {
        return Err(format!("Pausa {idpausa} não permitida nas filas do agente {agente}").into());
    }
    let name = text(&pause, "pause");
    let limit = text(&pause, "tempo").parse::<i64>().unwrap_or(0);
    let now = cx.clock.now();
    state.finish_pause(agente, now);
    state.pauses.push(Paused {
        agente: agente.to_owned(),
        name: name.clone(),
        since: now,
        limit,
    });
    if let Some(r) = state.row_mut("agent_status", "num", agente) {
        set(
            r,
            &[
                ("status", "em pausa"),
                ("pausa", &name),
                ("tempo", "00:00:00"),
            ],
        );
    }
    Ok(format!("Agente {agente} em pausa {idpausa} ({name})"))
}

fn hangup(args: &Args<'_>, state: &mut State, cx: &Context) -> Step<String> {
    let ramal = args.text("ramal");
    let by_agent = args.get("agente") == Some("yes");
    if by_agent {
        agent(state, ramal)?;
    }
    let ids: Vec<String> = state
        .calls
        .iter()
        .filter(|c| {
            if by_agent {
                c.agente.as_deref() == Some(ramal)
            } else {
                c.ramal.as_deref() == Some(ramal)
            }
        })
        .map(|c| c.id.clone())
        .collect();
    let now = cx.clock.now();
    for id in ids {
        state.end_call(&id, Some(now));
    }
    Ok(if by_agent {
        format!("Ligação do agente {ramal} desconectada")
    } else {
        format!("Ligação do ramal {ramal} desconectada")
    })
}

fn monit_exten(args: &Args<'_>, state: &mut State, cx: &Context) -> Step<String> {
    let tipo = args.get("tipo").unwrap_or("escuta");
    if !matches!(tipo, "escuta" | "monitor" | "conf") {
        return Err("Parâmetro inválido: tipo (use escuta, monitor ou conf)".into());
    }
    let (src, dst) = (args.text("srcramal"), args.text("dstramal"));
    let by_agent = args.get("agente") == Some("yes");
    // The leg listens to the extension itself, or to the agent's.
    let target = if by_agent {
        agent(state, dst)?;
        state
            .agent_status(dst)
            .and_then(|r| r.get("ramal"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    } else {
        dst.to_owned()
    };
    let now = cx.clock.now();
    let id = state.next_id(now);
    if let Some(r) = state.row_mut("exten_status", "ramal", src) {
        set(
            r,
            &[
                ("status", "ocupado"),
                ("numero", &target),
                ("tempo", "00:00:00"),
            ],
        );
    }
    state.calls.push(LiveCall {
        id,
        kind: "monitor".to_owned(),
        ramal: Some(src.to_owned()),
        agente: None,
        origem: src.to_owned(),
        destino: target,
        categoria: String::new(),
        idcti: tipo.to_owned(),
        ura: None,
        cti: Vec::new(),
        started: now,
        lasts: cx.call_length,
    });
    let whom = if by_agent { "agente" } else { "ramal" };
    Ok(format!(
        "Monitoria {tipo} iniciada do ramal {src} para o {whom} {dst}"
    ))
}

/// The first queue of `agente` (`""` when none).
fn first_queue(state: &State, agente: &str) -> String {
    state
        .agent_status(agente)
        .and_then(|r| r.get("filas"))
        .and_then(|f| f.get(0))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned()
}

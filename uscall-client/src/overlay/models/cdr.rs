//! Call records of the PBX: cdrSearch rows, the audioDownload recording, and cdrTariff rows.

use super::{de, ser};
use crate::enums::{AudioFormat, CallStatus, CallTipo};
use base64::Engine;
use jiff::civil::DateTime;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::time::Duration;

/// One call record of cdrSearch (section 1.3 of the vendor document).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Cdr {
    /// The call's unique id (an Asterisk uniqueid such as `1748867415.101`); give it to
    /// audioDownload to fetch the recording.
    #[serde(deserialize_with = "de::text")]
    pub bilheteunico: String,
    /// The recording's file name; `None` when the call was not recorded. The document writes
    /// the key `Audio`, the PBX sends `audio`; both are read.
    #[serde(default, alias = "Audio", deserialize_with = "de::opt_text")]
    pub audio: Option<String>,
    /// When the call started, PBX local time.
    #[serde(deserialize_with = "de::datetime", serialize_with = "ser::datetime")]
    pub datahora: DateTime,
    /// Inbound, outbound, internal, dialer or click-to-call.
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub tipo: Option<CallTipo>,
    /// The DDR (DID) an inbound call came in on (document key `DDR`).
    #[serde(default, alias = "DDR", deserialize_with = "de::opt_text")]
    pub ddr: Option<String>,
    /// The calling number or extension.
    #[serde(default, deserialize_with = "de::text")]
    pub origem: String,
    /// The called number or extension.
    #[serde(default, deserialize_with = "de::text")]
    pub destino: String,
    /// The trunk (carrier) the call came in or went out on.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub tronco: Option<String>,
    /// How long the call waited before being answered (`HH:MM:SS` on the wire).
    #[serde(
        default,
        deserialize_with = "de::opt_hms",
        serialize_with = "ser::opt_hms"
    )]
    pub espera: Option<Duration>,
    /// The call's total duration (`HH:MM:SS` on the wire).
    #[serde(
        default,
        deserialize_with = "de::opt_hms",
        serialize_with = "ser::opt_hms"
    )]
    pub duracao: Option<Duration>,
    /// How the call ended.
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub status: Option<CallStatus>,
    /// The integrator's id given to startCall (`idcti`), if any.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub idcti: Option<String>,
}

impl Cdr {
    /// The wire keys, in the order of the vendor document.
    pub const COLUMNS: &'static [&'static str] = &[
        "bilheteunico",
        "audio",
        "datahora",
        "tipo",
        "ddr",
        "origem",
        "destino",
        "tronco",
        "espera",
        "duracao",
        "status",
        "idcti",
    ];
}

/// A call recording from audioDownload (section 1.4): the call's data and the audio itself.
///
/// `Debug` shows the audio's size, not its bytes.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Recording {
    /// The audio file's name on the PBX (its extension follows the requested format).
    #[serde(default, alias = "Nomeaudio", deserialize_with = "de::text")]
    pub nomeaudio: String,
    /// When the call started, PBX local time.
    #[serde(
        default,
        alias = "Data",
        deserialize_with = "de::opt_datetime",
        serialize_with = "ser::opt_datetime"
    )]
    pub data: Option<DateTime>,
    /// The call's type, as in cdrSearch.
    #[serde(default, alias = "Tipo", deserialize_with = "de::opt_enum")]
    pub tipo: Option<CallTipo>,
    /// The call's status, as in cdrSearch.
    #[serde(default, alias = "Status", deserialize_with = "de::opt_enum")]
    pub status: Option<CallStatus>,
    /// The calling number.
    #[serde(default, alias = "Origem", deserialize_with = "de::text")]
    pub origem: String,
    /// The called number.
    #[serde(default, alias = "Destino", deserialize_with = "de::text")]
    pub destino: String,
    /// The audio file's bytes, decoded from the base64 text of `arquivo_base_64` (and written
    /// back as base64 when serialised).
    #[serde(
        rename = "arquivo_base_64",
        deserialize_with = "base64_bytes",
        serialize_with = "bytes_base64"
    )]
    pub audio: Vec<u8>,
}

impl Recording {
    /// The wire keys, in the order of the vendor document.
    pub const COLUMNS: &'static [&'static str] = &[
        "nomeaudio",
        "data",
        "tipo",
        "status",
        "origem",
        "destino",
        "arquivo_base_64",
    ];

    /// The audio format, from the file name's extension.
    pub fn format(&self) -> Option<AudioFormat> {
        AudioFormat::from_path(std::path::Path::new(&self.nomeaudio))
    }
}

impl fmt::Debug for Recording {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recording")
            .field("nomeaudio", &self.nomeaudio)
            .field("data", &self.data)
            .field("tipo", &self.tipo)
            .field("status", &self.status)
            .field("origem", &self.origem)
            .field("destino", &self.destino)
            .field("audio", &format_args!("<{} bytes>", self.audio.len()))
            .finish()
    }
}

/// Base64 text (standard alphabet; line breaks and other whitespace ignored) into bytes.
fn base64_bytes<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    let text = de::text(d)?;
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| serde::de::Error::custom(format!("expected base64 text: {e}")))
}

fn bytes_base64<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(v))
}

/// One outbound call of cdrTariff (section 1.17), for billing software.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TariffCall {
    /// When the call started, PBX local time.
    #[serde(deserialize_with = "de::datetime", serialize_with = "ser::datetime")]
    pub datahorario: DateTime,
    /// The extension that placed the call.
    #[serde(default, deserialize_with = "de::text")]
    pub ramalnum: String,
    /// The extension's name.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub ramalnome: Option<String>,
    /// The extension's channel (e.g. `PJSIP/empresa-2002-00000012`).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub ramalcanal: Option<String>,
    /// The number dialled.
    #[serde(default, deserialize_with = "de::text")]
    pub numero: String,
    /// The trunk's name.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub tronconome: Option<String>,
    /// The trunk's channel. The document spells the key `truncocanal`; both are read.
    #[serde(default, alias = "truncocanal", deserialize_with = "de::opt_text")]
    pub troncocanal: Option<String>,
    /// The call's status; undocumented values, seen as Asterisk dispositions (`ANSWERED`,
    /// `NO ANSWER`, `FAILED`).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub statuscall: Option<String>,
    /// Total duration (seconds on the wire).
    #[serde(
        default,
        deserialize_with = "de::opt_secs",
        serialize_with = "ser::opt_secs"
    )]
    pub durtotal: Option<Duration>,
    /// Talk time after the call was answered (seconds on the wire).
    #[serde(
        default,
        deserialize_with = "de::opt_secs",
        serialize_with = "ser::opt_secs"
    )]
    pub durcall: Option<Duration>,
    /// The call's unique id (the `bilheteunico` of cdrSearch).
    #[serde(default, deserialize_with = "de::text")]
    pub idcall: String,
}

impl TariffCall {
    /// The wire keys, in the order of the vendor document (`troncocanal` as the PBX sends it).
    pub const COLUMNS: &'static [&'static str] = &[
        "datahorario",
        "ramalnum",
        "ramalnome",
        "ramalcanal",
        "numero",
        "tronconome",
        "troncocanal",
        "statuscall",
        "durtotal",
        "durcall",
        "idcall",
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::tests::keys_follow_columns;
    use serde_json::json;

    #[test]
    fn a_cdr_row_with_accents_empty_strings_and_numbers() {
        let row = json!({
            "bilheteunico": 1748869960.102, "Audio": "", "datahora": "2025-06-02 10:12:40",
            "tipo": "Efetuada", "DDR": "", "origem": 2002, "destino": "1140041234",
            "tronco": "Claro E1", "espera": "00:00:20", "duracao": "00:00:20",
            "status": "NÃO ATENDIDA", "idcti": "", "novo_campo": 1
        });
        let cdr: Cdr = serde_json::from_value(row).unwrap();
        assert_eq!(cdr.bilheteunico, "1748869960.102");
        assert_eq!((cdr.audio, cdr.ddr, cdr.idcti), (None, None, None));
        assert_eq!(cdr.datahora, "2025-06-02T10:12:40".parse().unwrap());
        assert_eq!(cdr.tipo, Some(CallTipo::Efetuada));
        assert_eq!(cdr.status, Some(CallStatus::NaoAtendida));
        assert_eq!(cdr.origem, "2002");
        assert_eq!(cdr.duracao, Some(Duration::from_secs(20)));
        assert_eq!(cdr.tronco.as_deref(), Some("Claro E1"));
        let minimal: Cdr = serde_json::from_value(
            json!({"bilheteunico": "1.2", "datahora": "2025-06-02 00:00:00"}),
        )
        .unwrap();
        assert_eq!((minimal.status, minimal.espera), (None, None));
    }

    #[test]
    fn serialising_writes_the_wire_formats_back() {
        let row = json!({
            "bilheteunico": "1748867415.101", "audio": "a.wav", "datahora": "2025-06-02 09:30:15",
            "tipo": "Click to call", "ddr": "1133334444", "origem": "11987654321", "destino": "2001",
            "tronco": "Vivo SIP", "espera": "00:00:12", "duracao": "00:02:05", "status": "COMPLETADA",
            "idcti": "crm-1"
        });
        let cdr: Cdr = serde_json::from_value(row.clone()).unwrap();
        assert_eq!(serde_json::to_value(&cdr).unwrap(), row);
        keys_follow_columns(&cdr, Cdr::COLUMNS);
    }

    #[test]
    fn recordings_decode_base64_and_hide_it_from_debug() {
        let row = json!({
            "Nomeaudio": "x.mp3", "Data": "2025-06-02 09:30:15", "Tipo": "Recebida",
            "Status": "COMPLETADA", "Origem": "1", "Destino": "2", "arquivo_base_64": "UklG\nRg=="
        });
        let rec: Recording = serde_json::from_value(row).unwrap();
        assert_eq!(rec.audio, b"RIFF");
        assert_eq!(rec.format(), Some(AudioFormat::Mp3));
        let debug = format!("{rec:?}");
        assert!(
            debug.contains("<4 bytes>") && !debug.contains("UklG"),
            "{debug}"
        );
        assert_eq!(
            serde_json::to_value(&rec).unwrap()["arquivo_base_64"],
            "UklGRg=="
        );
        keys_follow_columns(&rec, Recording::COLUMNS);
        let bad = serde_json::from_value::<Recording>(json!({"arquivo_base_64": "não é base64"}));
        assert!(bad.unwrap_err().to_string().contains("expected base64"));
    }

    #[test]
    fn tariff_rows_read_seconds_and_the_misspelt_key() {
        let row = json!({
            "datahorario": "2025-06-03 09:15:21", "ramalnum": 2001, "ramalnome": "Recepção",
            "ramalcanal": "PJSIP/empresa-2001-00000020", "numero": "1155556666",
            "tronconome": "Vivo SIP", "truncocanal": "PJSIP/vivo-sip-00000021",
            "statuscall": "ANSWERED", "durtotal": "15", "durcall": 11, "idcall": "1748952921.106"
        });
        let t: TariffCall = serde_json::from_value(row).unwrap();
        assert_eq!(t.troncocanal.as_deref(), Some("PJSIP/vivo-sip-00000021"));
        assert_eq!(
            (t.durtotal, t.durcall),
            (Some(Duration::from_secs(15)), Some(Duration::from_secs(11)))
        );
        assert_eq!(serde_json::to_value(&t).unwrap()["durtotal"], 15);
        keys_follow_columns(&t, TariffCall::COLUMNS);
    }
}

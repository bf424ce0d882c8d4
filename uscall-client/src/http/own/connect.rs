//! Opening one connection to the PBX for the own pool: resolve, TCP (no Nagle delay), TLS with
//! uscall-tls's configuration (CAs, pins, or explicitly none), and hyper's HTTP/1.1 handshake,
//! all within the connect timeout.

use super::Sender;
use crate::error::{HttpError, Kind};
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::ClientConfig;
use tokio_rustls::rustls::pki_types::ServerName;
use url::Host;

/// Where and how to connect.
pub(crate) struct Target {
    host: Host<String>,
    port: u16,
    /// For `https`: the connector and the name the certificate must carry.
    tls: Option<(TlsConnector, ServerName<'static>)>,
    timeout: Duration,
}

impl Target {
    /// How to reach `endpoint`: with `tls` (which an `https` one needs), within `timeout`.
    pub(crate) fn new(
        endpoint: &url::Url,
        tls: Option<Arc<ClientConfig>>,
        timeout: Duration,
    ) -> Result<Target, String> {
        let host = endpoint
            .host()
            .ok_or_else(|| "no host".to_owned())?
            .to_owned();
        let port = endpoint
            .port_or_known_default()
            .ok_or_else(|| "no port".to_owned())?;
        let tls = match (endpoint.scheme(), tls) {
            ("https", None) => return Err("an https endpoint needs a TLS configuration".into()),
            ("https", Some(tls)) => {
                let name = match &host {
                    Host::Domain(domain) => ServerName::try_from(domain.clone())
                        .map_err(|e| format!("TLS server name {domain:?}: {e}"))?,
                    Host::Ipv4(ip) => ServerName::IpAddress((*ip).into()),
                    Host::Ipv6(ip) => ServerName::IpAddress((*ip).into()),
                };
                Some((TlsConnector::from(tls), name))
            }
            _ => None,
        };
        Ok(Target {
            host,
            port,
            tls,
            timeout,
        })
    }

    /// A new connection, its driver spawned on the runtime.
    pub(super) async fn connect(&self) -> Result<Sender, HttpError> {
        match tokio::time::timeout(self.timeout, self.open()).await {
            Ok(opened) => opened,
            Err(_) => Err(HttpError::own(Kind::ConnectTimeout, None)),
        }
    }

    async fn open(&self) -> Result<Sender, HttpError> {
        let failed = |e: std::io::Error| HttpError::own(Kind::Connect, Some(e.into()));
        let tcp = match &self.host {
            Host::Domain(domain) => TcpStream::connect((domain.as_str(), self.port)).await,
            Host::Ipv4(ip) => TcpStream::connect((*ip, self.port)).await,
            Host::Ipv6(ip) => TcpStream::connect((*ip, self.port)).await,
        }
        .map_err(failed)?;
        tcp.set_nodelay(true).map_err(failed)?;
        match &self.tls {
            None => handshake(tcp).await,
            Some((connector, name)) => {
                let tls = connector.connect(name.clone(), tcp).await.map_err(failed)?;
                handshake(tls).await
            }
        }
    }
}

/// hyper's HTTP/1.1 handshake on `io` (no I/O of its own); the connection's driver runs as a
/// task until the connection closes, and its failures come out of the exchanges on it.
async fn handshake<T>(io: T) -> Result<Sender, HttpError>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .map_err(|e| HttpError::own(Kind::Connect, Some(e.into())))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

//! The S3 target: AWS S3 and the S3-compatible stores (Cloudflare R2, MinIO, Backblaze B2,
//! Ceph…), with the endpoint and region from versus.toml and the credentials from the standard
//! places (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`, or a profile in
//! `~/.aws/credentials`).
//!
//! Requests are signed by rusty-s3 (which only signs and parses, no I/O) and sent with ureq,
//! the HTTP client versus already has. Unchanged files are found by their ETag, which is the
//! MD5 of the content for an object uploaded in one part; every upload carries `Content-MD5`,
//! so S3 itself rejects a file damaged on the way. Each object gets its `Content-Type` and a
//! `Cache-Control` (see [`super::plan::cache_control`]).
//!
//! Not here: multipart uploads (one page or asset of a site is far below S3's 5 GB limit for
//! a single PUT), bucket creation, website configuration.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use base64::Engine;
use rusty_s3::actions::{ListObjectsV2, ObjectIdentifier};
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

use super::plan::{self, LocalFile, RemoteFile};
use super::{DeployError, Destination, Target};

/// How long a signed request stays valid: long enough for a slow upload to start.
const SIGNED_FOR: Duration = Duration::from_secs(3600);

pub struct S3 {
    bucket: Bucket,
    credentials: Credentials,
    /// `""` or `docs/`: where the site lives in the bucket.
    prefix: String,
    endpoint: String,
    agent: ureq::Agent,
}

impl S3 {
    pub fn open(target: &Target) -> Result<S3, DeployError> {
        let s = &target.settings;
        let name = target.require(&s.bucket, "bucket")?.to_string();
        let region = s
            .region
            .clone()
            .or_else(|| env("AWS_REGION"))
            .or_else(|| env("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|| "us-east-1".into());
        let custom = s
            .endpoint
            .clone()
            .or_else(|| env("AWS_ENDPOINT_URL_S3"))
            .or_else(|| env("AWS_ENDPOINT_URL"));
        let path_style = s.path_style.unwrap_or(custom.is_some());
        let endpoint = custom.unwrap_or_else(|| format!("https://s3.{region}.amazonaws.com"));
        let style = if path_style {
            UrlStyle::Path
        } else {
            UrlStyle::VirtualHost
        };
        let section = target.section();
        let url = endpoint.parse().map_err(|e| {
            DeployError::new(format!("the S3 endpoint `{endpoint}` is not a URL: {e}"))
                .help(format!("check `endpoint` under {section} in versus.toml"))
        })?;
        let bucket = Bucket::new(url, style, name, region).map_err(|e| {
            DeployError::new(format!("cannot use bucket at {endpoint}: {e}")).help(format!(
                "check `bucket` and `endpoint` under {section}; a bucket name with dots or an IP address as endpoint needs path_style = true"
            ))
        })?;
        let credentials = credentials(s.profile.as_deref())?;
        let prefix = match s.prefix.as_deref().map(|p| p.trim_matches('/')) {
            Some(p) if !p.is_empty() => format!("{p}/"),
            _ => String::new(),
        };
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(15)))
            .timeout_recv_response(Some(Duration::from_secs(120)))
            .user_agent(concat!("versus-deploy/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Ok(S3 {
            bucket,
            credentials,
            prefix,
            endpoint,
            agent,
        })
    }

    fn failure(&self, what: &str, status: u16, body: &str) -> DeployError {
        failure(self.bucket.name(), &self.endpoint, what, status, body)
    }

    fn unreachable(&self, e: ureq::Error) -> DeployError {
        DeployError::new(format!(
            "cannot reach the S3 endpoint {}: {e}",
            self.endpoint
        ))
        .help("check `endpoint` and `region` under [deploy] in versus.toml, and the network")
    }

    /// Sends a signed request; returns the status and the body.
    fn send(
        &self,
        request: ureq::RequestBuilder<ureq::typestate::WithBody>,
        body: &[u8],
    ) -> Result<(u16, String), DeployError> {
        let mut resp = request.send(body).map_err(|e| self.unreachable(e))?;
        let status = resp.status().as_u16();
        let mut text = String::new();
        // An unreadable error body only loses the detail, not the status.
        let _ = resp.body_mut().as_reader().read_to_string(&mut text);
        Ok((status, text))
    }
}

impl Destination for S3 {
    fn describe(&self) -> String {
        format!("s3://{}/{}", self.bucket.name(), self.prefix)
    }

    fn parallelism(&self) -> usize {
        8
    }

    fn list(&mut self) -> Result<BTreeMap<String, RemoteFile>, DeployError> {
        let mut files = BTreeMap::new();
        let mut token: Option<String> = None;
        loop {
            let mut action = ListObjectsV2::new(&self.bucket, Some(&self.credentials));
            if !self.prefix.is_empty() {
                action.with_prefix(self.prefix.as_str());
            }
            if let Some(t) = &token {
                action.with_continuation_token(t.as_str());
            }
            let url = action.sign(SIGNED_FOR);
            let mut resp = self
                .agent
                .get(url.as_str())
                .call()
                .map_err(|e| self.unreachable(e))?;
            let status = resp.status().as_u16();
            let mut body = String::new();
            let _ = resp.body_mut().as_reader().read_to_string(&mut body);
            if status != 200 {
                return Err(self.failure("list the bucket", status, &body));
            }
            let page = ListObjectsV2::parse_response(&body).map_err(|e| {
                DeployError::new(format!(
                    "could not read the bucket listing from {}: {e}",
                    self.endpoint
                ))
                .help("is `endpoint` an S3-compatible service?")
            })?;
            for obj in page.contents {
                let Some(rel) = obj.key.strip_prefix(&self.prefix) else {
                    continue;
                };
                // "Folder" placeholder objects made by consoles are not files of the site.
                if rel.is_empty() || rel.ends_with('/') {
                    continue;
                }
                files.insert(
                    rel.to_string(),
                    RemoteFile {
                        size: obj.size.unwrap_or(0),
                        md5: obj.etag.as_deref().and_then(etag_md5),
                    },
                );
            }
            match page.next_continuation_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        Ok(files)
    }

    fn upload(&self, file: &LocalFile, bytes: &[u8]) -> Result<(), DeployError> {
        let key = format!("{}{}", self.prefix, file.path);
        let content_type = crate::serve::http::mime_type(&file.path);
        let cache = plan::cache_control(&file.path);
        let md5 = content_md5(&file.md5);
        let mut action = self.bucket.put_object(Some(&self.credentials), &key);
        // Signed, so a proxy cannot change them.
        let headers = action.headers_mut();
        headers.insert("cache-control", cache);
        headers.insert("content-md5", md5.as_str());
        headers.insert("content-type", content_type);
        let url = action.sign(SIGNED_FOR);
        let request = self
            .agent
            .put(url.as_str())
            .header("Cache-Control", cache)
            .header("Content-MD5", &md5)
            .header("Content-Type", content_type);
        let (status, body) = self.send(request, bytes)?;
        if status == 200 {
            Ok(())
        } else {
            Err(self.failure(&format!("upload {}", file.path), status, &body))
        }
    }

    fn delete(&mut self, paths: &[&str]) -> Result<(), DeployError> {
        // S3 takes at most 1,000 keys per DeleteObjects request.
        for chunk in paths.chunks(1000) {
            let objects: Vec<ObjectIdentifier> = chunk
                .iter()
                .map(|p| ObjectIdentifier::new(format!("{}{p}", self.prefix)))
                .collect();
            let mut action = self
                .bucket
                .delete_objects(Some(&self.credentials), objects.iter());
            action.set_quiet(true);
            let url = action.sign(SIGNED_FOR);
            let (body, md5) = action.body_with_md5();
            let request = self
                .agent
                .post(url.as_str())
                .header("Content-MD5", &md5)
                .header("Content-Type", "application/xml");
            let (status, answer) = self.send(request, body.as_bytes())?;
            if status != 200 {
                return Err(self.failure("delete files", status, &answer));
            }
            // Quiet mode: the answer lists only the keys that could not be deleted.
            if xml_text(&answer, "Code").is_some() {
                let key = xml_text(&answer, "Key").unwrap_or_default();
                return Err(self.failure(&format!("delete {key}"), status, &answer));
            }
        }
        Ok(())
    }
}

/// A failed request in plain words: what went wrong and what to check.
fn failure(bucket: &str, endpoint: &str, what: &str, status: u16, body: &str) -> DeployError {
    let code = xml_text(body, "Code").unwrap_or_default();
    let message = xml_text(body, "Message").unwrap_or_default();
    let said = if code.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("{code}: {message}")
    };
    match (status, code.as_str()) {
        (_, "NoSuchBucket") | (404, "") => DeployError::new(format!(
            "the bucket `{bucket}` does not exist at {endpoint}"
        ))
        .help("check `bucket`, `endpoint` and `region` under [deploy] in versus.toml, or create the bucket"),
        (_, "InvalidAccessKeyId" | "SignatureDoesNotMatch" | "InvalidToken" | "ExpiredToken")
        | (401, _) => DeployError::new(format!("S3 did not accept the credentials ({said})"))
            .help("check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the profile in ~/.aws/credentials), and that they are for this endpoint"),
        (301, _) | (_, "PermanentRedirect" | "AuthorizationHeaderMalformed") => {
            DeployError::new(format!("the bucket `{bucket}` is in another region ({said})"))
                .help("set `region` under [deploy] to the bucket's region")
        }
        (403, _) => DeployError::new(format!("S3 refused to {what} ({said})")).help(format!(
            "the credentials work but may not {what} in `{bucket}`: check the key's policy (it needs s3:ListBucket, s3:PutObject and s3:DeleteObject)"
        )),
        _ => DeployError::new(format!("S3 could not {what}: {said}")).help(format!(
            "the endpoint was {endpoint}; run the deploy again if this was passing"
        )),
    }
}

/// The MD5 inside an ETag, when it is one: `"5d41…"` → `5d41…`. Multipart ETags (`…-3`) and
/// others are not.
fn etag_md5(etag: &str) -> Option<String> {
    let t = etag.trim().trim_start_matches("W/").trim_matches('"');
    (t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit())).then(|| t.to_ascii_lowercase())
}

/// Hex MD5 → base64 of its bytes, as `Content-MD5` wants.
fn content_md5(hex: &str) -> String {
    let bytes: Vec<u8> = (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
        .collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The text of the first `<tag>…</tag>` in an S3 error document.
fn xml_text(body: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&format!("</{tag}>"))? + start;
    Some(body[start..end].to_string())
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The credentials, in the order the AWS tools use: a `profile` named in versus.toml, then the
/// environment variables, then the `AWS_PROFILE` (or `default`) profile of the credentials file.
fn credentials(profile: Option<&str>) -> Result<Credentials, DeployError> {
    if profile.is_none()
        && let Some(c) = Credentials::from_env()
    {
        return Ok(c);
    }
    let name = profile
        .map(str::to_string)
        .or_else(|| env("AWS_PROFILE"))
        .unwrap_or_else(|| "default".into());
    let file = env("AWS_SHARED_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".aws").join("credentials")));
    let text = file.as_ref().and_then(|f| std::fs::read_to_string(f).ok());
    if let Some(c) = text.as_deref().and_then(|t| profile_credentials(t, &name)) {
        return Ok(c);
    }
    let place = file.map_or("~/.aws/credentials".into(), |f| f.display().to_string());
    Err(DeployError::new(format!(
        "no S3 credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set, and {place} has no profile `{name}` with aws_access_key_id and aws_secret_access_key"
    ))
    .help("set the two variables (for R2, MinIO or B2: the key pair the service gave you), or add the profile"))
}

/// The keys of `[name]` in an AWS credentials file (INI).
fn profile_credentials(text: &str, name: &str) -> Option<Credentials> {
    let mut in_section = false;
    let (mut key, mut secret, mut token) = (None, None, None);
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            in_section = section.trim() == name;
            continue;
        }
        if !in_section {
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            let v = Some(v.trim().to_string());
            match k.trim() {
                "aws_access_key_id" => key = v,
                "aws_secret_access_key" => secret = v,
                "aws_session_token" => token = v,
                _ => {}
            }
        }
    }
    Some(match token {
        Some(t) => Credentials::new_with_token(key?, secret?, t),
        None => Credentials::new(key?, secret?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_that_are_md5s() {
        assert_eq!(
            etag_md5("\"5D41402ABC4B2A76B9719D911017C592\"").as_deref(),
            Some("5d41402abc4b2a76b9719d911017c592")
        );
        assert_eq!(etag_md5("\"5d41402abc4b2a76b9719d911017c592-2\""), None);
    }

    #[test]
    fn content_md5_is_base64_of_the_digest() {
        // MD5("hello"), as `openssl md5 -binary | base64` prints it.
        assert_eq!(
            content_md5("5d41402abc4b2a76b9719d911017c592"),
            "XUFAKrxLKna5cZ2REBfFkg=="
        );
    }

    #[test]
    fn profiles_are_read_from_the_credentials_file() {
        let text = "[default]\naws_access_key_id = A\naws_secret_access_key = B\n\n# other\n[ci]\naws_access_key_id=C\naws_secret_access_key=D\naws_session_token=E\n[broken]\naws_access_key_id = F\n";
        let c = profile_credentials(text, "ci").unwrap();
        assert_eq!((c.key(), c.secret(), c.token()), ("C", "D", Some("E")));
        assert_eq!(profile_credentials(text, "default").unwrap().key(), "A");
        assert!(profile_credentials(text, "broken").is_none());
        assert!(profile_credentials(text, "missing").is_none());
    }

    #[test]
    fn s3_errors_say_what_to_check() {
        let err = |status, code: &str| {
            let body = format!("<Error><Code>{code}</Code><Message>m</Message></Error>");
            failure("b", "https://e", "upload a.html", status, &body)
        };
        let e = err(403, "InvalidAccessKeyId");
        assert_eq!(
            e.message,
            "S3 did not accept the credentials (InvalidAccessKeyId: m)"
        );
        assert!(e.help.unwrap().contains("AWS_ACCESS_KEY_ID"));
        let e = err(403, "AccessDenied");
        assert_eq!(e.message, "S3 refused to upload a.html (AccessDenied: m)");
        assert!(e.help.unwrap().contains("s3:PutObject"));
        let e = err(301, "PermanentRedirect");
        assert!(e.message.contains("is in another region"), "{e}");
        let e = failure("b", "https://e", "list the bucket", 404, "");
        assert_eq!(e.message, "the bucket `b` does not exist at https://e");
        let e = err(503, "SlowDown");
        assert_eq!(e.message, "S3 could not upload a.html: SlowDown: m");
    }

    #[test]
    fn error_text_of_s3() {
        let body = "<Error><Code>NoSuchBucket</Code><Message>gone</Message></Error>";
        assert_eq!(xml_text(body, "Code").as_deref(), Some("NoSuchBucket"));
        assert_eq!(xml_text(body, "Key"), None);
    }
}

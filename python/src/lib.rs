//! `unspun._unspun`: the checker for Python. The package around it (`python/unspun/`) adds the
//! module-level functions, the datatrove filter and the Spark helper.
//!
//! Every result is the core's own serde serialization (`serde_json`, then `json.loads`), so a
//! dict from here equals the CLI's JSON for the same document.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use unspun::batch::{self, Counts, FindingsMode, Record};
use unspun::config::Config;
use unspun::session::{CheckError, Notice, Profile};
use unspun::{
    defaults, CheckOptions, ConfigSource, Format, PackFiles, Report, Session, Severity, Source,
};

/// `unspun score --max-doc-bytes`'s default: longer texts are scored on their first part.
const DEFAULT_MAX_DOC: usize = defaults::BATCH_MAX_DOC_BYTES;
/// `unspun check --max-doc-bytes`'s default.
const DEFAULT_CHECK_MAX_DOC: usize = defaults::CHECK_MAX_DOC_BYTES;
/// Bump when the pickled state's shape changes.
const STATE_VERSION: u32 = 1;

/// What a checker is built from, all in memory: its pickled state. Rule folders and the
/// configuration's rule-pack folders are read once, where the checker is first made, so a
/// Spark executor needs no file.
#[derive(Clone, Debug, Default)]
struct Spec {
    default_rules: bool,
    /// `rules=` folders, then the configuration's `rule-packs`, in loading order.
    packs: Vec<PackFiles>,
    disable: Vec<String>,
    /// The configuration: `(label, folder its globs are relative to, TOML text)`.
    config: Option<(String, String, String)>,
}

/// [`Spec`] as JSON-able tuples (serde handles tuples without derives).
type State = (
    u32,
    bool,
    Vec<(String, Vec<(String, String)>)>,
    Vec<String>,
    Option<(String, String, String)>,
);

impl Spec {
    fn to_state(&self) -> String {
        let packs = self
            .packs
            .iter()
            .map(|p| (p.dir.display().to_string(), p.files.clone()))
            .collect();
        let state: State = (
            STATE_VERSION,
            self.default_rules,
            packs,
            self.disable.clone(),
            self.config.clone(),
        );
        serde_json::to_string(&state).expect("state serializes")
    }

    fn from_state(s: &str) -> Result<Spec, String> {
        let (version, default_rules, packs, disable, config): State =
            serde_json::from_str(s).map_err(|e| format!("not a pickled unspun.Checker: {e}"))?;
        if version != STATE_VERSION {
            return Err(format!(
                "this Checker was pickled by another version of unspun (state {version}, \
                 expected {STATE_VERSION})"
            ));
        }
        Ok(Spec {
            default_rules,
            packs: packs
                .into_iter()
                .map(|(dir, files)| PackFiles {
                    dir: PathBuf::from(dir),
                    files,
                })
                .collect(),
            disable,
            config,
        })
    }
}

/// Errors (pack, configuration) as one message, one per line.
fn messages<E: std::fmt::Display>(es: &[E]) -> String {
    es.iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The session's one profile: the configuration and the checker built for it, as the CLI
/// builds them (pack options first, then what the configuration adds).
fn build(spec: &Spec) -> Result<Arc<Profile>, String> {
    let config = match &spec.config {
        Some((label, dir, text)) => {
            let mut c = Config::parse(label, text, Path::new(dir)).map_err(|es| messages(&es))?;
            c.file = Some(PathBuf::from(label));
            // Its rule-pack folders were read into `spec.packs`.
            c.rule_packs.clear();
            ConfigSource::Given(Box::new(c))
        }
        None => ConfigSource::None,
    };
    let mut b = Session::builder()
        .embedded_packs(spec.default_rules)
        .config(config);
    for p in &spec.packs {
        b = b.pack_files(p.clone());
    }
    for r in &spec.disable {
        b = b.disable_rule(r.clone());
    }
    b.build().profile(None).map_err(|e| e.to_string())
}

fn read_packs(dir: &Path) -> PyResult<PackFiles> {
    PackFiles::read_dir(dir).map_err(|es| PyValueError::new_err(messages(&es)))
}

/// `rules=`: a folder, a list of folders, or a dict of pack files `{name: text}`.
fn rules_arg(rules: &Bound<'_, PyAny>) -> PyResult<Vec<PackFiles>> {
    if let Ok(d) = rules.cast::<PyDict>() {
        let mut files = Vec::with_capacity(d.len());
        for (k, v) in d.iter() {
            files.push((k.extract::<String>()?, v.extract::<String>()?));
        }
        return Ok(vec![PackFiles {
            dir: PathBuf::from("<rules>"),
            files,
        }]);
    }
    let dirs: Vec<PathBuf> = match rules.extract::<PathBuf>() {
        Ok(p) => vec![p],
        Err(_) => rules.extract().map_err(|_| {
            PyValueError::new_err(
                "rules: expected a folder, a list of folders or a dict {file name: text}",
            )
        })?,
    };
    dirs.iter().map(|d| read_packs(d)).collect()
}

fn findings_mode(s: &str) -> PyResult<FindingsMode> {
    match s {
        "none" => Ok(FindingsMode::None),
        "top" => Ok(FindingsMode::Top(defaults::TOP_FINDINGS)),
        "all" => Ok(FindingsMode::All),
        _ => Err(PyValueError::new_err(format!(
            "findings: expected \"none\", \"top\" or \"all\", not {s:?}"
        ))),
    }
}

fn json_loads(py: Python<'_>, s: &str) -> PyResult<Py<PyAny>> {
    Ok(py
        .import("json")?
        .getattr("loads")?
        .call1((PyString::new(py, s),))?
        .unbind())
}

/// A pool of `threads` threads (all cores when `None`) for this process, made once per size.
///
/// Not rayon's global pool: a process forked after using it (multiprocessing, datatrove's
/// local executor) inherits a pool whose threads are gone, and would wait on it forever. Pools
/// are kept with the id of the process that made them and made again in a child.
fn pool(threads: Option<usize>) -> Result<Arc<rayon::ThreadPool>, String> {
    type Pools = Vec<(u32, usize, Arc<rayon::ThreadPool>)>;
    static POOLS: Mutex<Pools> = Mutex::new(Vec::new());
    let n = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pid = std::process::id();
    let mut pools = POOLS.lock().unwrap_or_else(|e| e.into_inner());
    if pools.iter().any(|(p, _, _)| *p != pid) {
        // Inherited through fork: their threads do not exist here, so never touch them.
        let inherited = std::mem::take(&mut *pools);
        std::mem::forget(inherited);
    }
    if let Some((_, _, p)) = pools.iter().find(|(_, size, _)| *size == n) {
        return Ok(Arc::clone(p));
    }
    let p = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .map_err(|e| format!("cannot start {n} threads: {e}"))?;
    let p = Arc::new(p);
    pools.push((pid, n, Arc::clone(&p)));
    Ok(p)
}

/// Run `f` over `items` on `threads` threads (all cores when `None`), results in input order.
fn map_items<T, R, F>(threads: Option<usize>, items: &[T], f: F) -> Result<Vec<R>, String>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync + Send,
{
    match threads {
        Some(0) => Err("threads must be at least 1".into()),
        Some(1) => Ok(items.iter().map(f).collect()),
        _ if items.len() < 2 => Ok(items.iter().map(f).collect()),
        _ => Ok(pool(threads)?.install(|| items.par_iter().map(f).collect())),
    }
}

/// A scored text: its report and a notice when only its first part was scored; or the
/// message of an error (a bug in a detector costs that document only, as in `unspun score`).
type Scored = Result<(Report, Option<String>), String>;

/// A reusable checker: rule packs and detectors compiled once. Picklable (the state holds the
/// pack and configuration texts, not paths), so Spark can ship it to executors.
///
/// `Checker(rules=None, config=None, *, config_text=None, disable=(), default_rules=True)`:
/// `rules` is a folder of packs, a list of folders, or a dict `{file name: text}`; `config`
/// the path of an `.unspun.toml`, `config_text` its text.
#[pyclass(module = "unspun", name = "Checker", frozen)]
struct PyChecker {
    spec: Spec,
    profile: Arc<Profile>,
}

impl PyChecker {
    fn from_spec(py: Python<'_>, spec: Spec) -> PyResult<PyChecker> {
        let profile = py.detach(|| build(&spec)).map_err(PyValueError::new_err)?;
        Ok(PyChecker { spec, profile })
    }

    /// Score one text as `unspun score` scores a JSON Lines record: plain text, the
    /// configuration applied, cut at `max_doc` bytes, within the batch time budget.
    fn score_text(&self, text: &str, max_doc: usize) -> Scored {
        let opts = CheckOptions {
            max_doc_bytes: max_doc,
            ..CheckOptions::batch()
        };
        let source = Source::text(text).format(Format::Plain);
        match self.profile.check(&source, &opts) {
            Ok(checked) => {
                let notices: Vec<String> = checked
                    .notices
                    .iter()
                    .map(|n| match n {
                        Notice::Cut { kept, .. } => format!(
                            "text is {} bytes, longer than max_doc_bytes: scored its first {kept} bytes",
                            text.len()
                        ),
                        Notice::TimeBudget => {
                            "the time budget ran out: scored on the findings until then".to_string()
                        }
                    })
                    .collect();
                let notice = (!notices.is_empty()).then(|| notices.join("; "));
                Ok((checked.report, notice))
            }
            Err(CheckError::Internal(what)) => Err(format!(
                "internal error while scoring this document: {what} (please report it)"
            )),
            Err(e) => Err(e.to_string()),
        }
    }
}

#[pymethods]
impl PyChecker {
    #[new]
    #[pyo3(signature = (rules=None, config=None, *, config_text=None, disable=Vec::new(), default_rules=true))]
    fn new(
        py: Python<'_>,
        rules: Option<&Bound<'_, PyAny>>,
        config: Option<PathBuf>,
        config_text: Option<String>,
        disable: Vec<String>,
        default_rules: bool,
    ) -> PyResult<PyChecker> {
        let mut packs = match rules {
            Some(r) if !r.is_none() => rules_arg(r)?,
            _ => Vec::new(),
        };
        let loaded = match (config, config_text) {
            (Some(_), Some(_)) => {
                return Err(PyValueError::new_err(
                    "give config (a file) or config_text, not both",
                ))
            }
            (Some(path), None) => {
                let c = Config::load(&path).map_err(|es| PyValueError::new_err(messages(&es)))?;
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    PyValueError::new_err(format!("{}: cannot read: {e}", path.display()))
                })?;
                Some((c, path.display().to_string(), text))
            }
            (None, Some(text)) => {
                let dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
                let c = Config::parse("<config>", &text, &dir)
                    .map_err(|es| PyValueError::new_err(messages(&es)))?;
                Some((c, "<config>".to_string(), text))
            }
            (None, None) => None,
        };
        let mut config = None;
        if let Some((c, label, text)) = loaded {
            // A folder given as `rules` and named in the configuration's `rule-packs` too loads
            // once (decided here, where the folders exist, so it holds after pickling too).
            let canonical = |d: &Path| std::fs::canonicalize(d).unwrap_or_else(|_| d.to_path_buf());
            let read: Vec<PathBuf> = packs.iter().map(|p| canonical(&p.dir)).collect();
            for d in &c.rule_packs {
                if !read.contains(&canonical(d)) {
                    packs.push(read_packs(d)?);
                }
            }
            config = Some((label, c.dir.display().to_string(), text));
        }
        let spec = Spec {
            default_rules,
            packs,
            disable,
            config,
        };
        PyChecker::from_spec(py, spec)
    }

    /// Build a checker from `state()` (what unpickling calls, through `unspun._restore`).
    #[staticmethod]
    fn _from_state(py: Python<'_>, state: &str) -> PyResult<PyChecker> {
        PyChecker::from_spec(py, Spec::from_state(state).map_err(PyValueError::new_err)?)
    }

    /// The pickled state: a JSON string holding the pack and configuration texts.
    fn state(&self) -> String {
        self.spec.to_state()
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let restore = py.import("unspun")?.getattr("_restore")?;
        Ok((restore, (self.spec.to_state(),)))
    }

    fn __repr__(&self) -> String {
        let rules = self.profile.checker().rules().rules.len();
        format!(
            "unspun.Checker({rules} rules, {} pack folders{})",
            self.spec.packs.len(),
            match &self.spec.config {
                Some((label, _, _)) => format!(", config {label}"),
                None => String::new(),
            }
        )
    }

    /// Check one document as `unspun check --format json` does: the document object as a
    /// dict. `format`: "text", "markdown" or "html". `path` names the document (and picks the
    /// configuration's overrides); `min_severity` defaults to the configuration's, else
    /// "warning"; a text longer than `max_doc_bytes` is checked on its first part and says
    /// `"truncated": "max-doc-bytes"`. The GIL is released while checking.
    #[pyo3(signature = (text, format="text", *, path=None, min_severity=None, max_doc_bytes=DEFAULT_CHECK_MAX_DOC))]
    fn check(
        &self,
        py: Python<'_>,
        text: String,
        format: &str,
        path: Option<String>,
        min_severity: Option<&str>,
        max_doc_bytes: usize,
    ) -> PyResult<Py<PyAny>> {
        let fmt = Format::parse(format).ok_or_else(|| {
            PyValueError::new_err(format!(
                "format: expected \"text\", \"markdown\" or \"html\", not {format:?}"
            ))
        })?;
        let min = match min_severity {
            Some(s) => Some(Severity::parse(s).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "min_severity: expected \"info\", \"warning\" or \"error\", not {s:?}"
                ))
            })?),
            None => None,
        };
        let opts = CheckOptions {
            min_severity: min,
            max_doc_bytes,
            ..CheckOptions::default()
        };
        let json = py.detach(|| {
            let mut source = Source::text(&text).format(fmt);
            if let Some(p) = &path {
                source = source.path(Path::new(p)).label(p);
            }
            self.profile
                .check(&source, &opts)
                .map(|c| serde_json::to_string(&c.report).expect("reports serialize"))
                .map_err(|e| e.to_string())
        });
        json_loads(py, &json.map_err(PyValueError::new_err)?)
    }

    /// Score many texts on `threads` threads (all cores when None), with the GIL released: one
    /// `unspun score` record per text, in input order (`{"score", "words", "counts",
    /// "findings"}`, `"flagged"` with a threshold, `"notice"` or `"error"` when there is one).
    #[pyo3(signature = (texts, threads=None, *, findings="top", threshold=None, max_doc_bytes=DEFAULT_MAX_DOC))]
    fn score_batch(
        &self,
        py: Python<'_>,
        texts: Vec<String>,
        threads: Option<usize>,
        findings: &str,
        threshold: Option<f64>,
        max_doc_bytes: usize,
    ) -> PyResult<Py<PyAny>> {
        let mode = findings_mode(findings)?;
        let json = py
            .detach(|| {
                let records = map_items(threads, &texts, |t| {
                    match self.score_text(t, max_doc_bytes) {
                        Ok((report, notice)) => {
                            let mut rec = Record::scored(None, None, &report, mode, threshold);
                            rec.notice = notice;
                            rec.to_json()
                        }
                        Err(msg) => Record::failed(None, None, msg).to_json(),
                    }
                })?;
                Ok::<_, String>(format!("[{}]", records.join(",")))
            })
            .map_err(PyValueError::new_err)?;
        json_loads(py, &json)
    }

    /// Columns for the Spark helper: a dict of equal-length lists (`score`, `words`, the five
    /// category counts, `flagged`, `findings` as JSON arrays, `notice`, `error`); a `None`
    /// text gets an error. The same records as `score_batch`, column by column.
    #[pyo3(signature = (texts, threads=None, *, findings="top", threshold=None, max_doc_bytes=DEFAULT_MAX_DOC))]
    fn _score_columns<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<Option<String>>,
        threads: Option<usize>,
        findings: &str,
        threshold: Option<f64>,
        max_doc_bytes: usize,
    ) -> PyResult<Bound<'py, PyDict>> {
        let mode = findings_mode(findings)?;
        let rows: Vec<Scored> = py
            .detach(|| {
                map_items(threads, &texts, |t| match t {
                    Some(t) => self.score_text(t, max_doc_bytes),
                    None => Err("the text is null".to_string()),
                })
            })
            .map_err(PyValueError::new_err)?;
        fn ok(r: &Scored) -> Option<&Report> {
            r.as_ref().ok().map(|(rep, _)| rep)
        }
        fn column<S, T>(items: &[S], f: impl Fn(&S) -> Option<T>) -> Vec<Option<T>> {
            items.iter().map(f).collect()
        }
        let counts = column(&rows, |r| Some(Counts::of(&ok(r)?.findings)));
        let d = PyDict::new(py);
        d.set_item("score", column(&rows, |r| Some(ok(r)?.score)))?;
        d.set_item("words", column(&rows, |r| Some(ok(r)?.words)))?;
        d.set_item("swap", column(&counts, |c| Some(c.as_ref()?.swap)))?;
        d.set_item("foreign", column(&counts, |c| Some(c.as_ref()?.foreign)))?;
        d.set_item(
            "boilerplate",
            column(&counts, |c| Some(c.as_ref()?.boilerplate)),
        )?;
        d.set_item("glue", column(&counts, |c| Some(c.as_ref()?.glue)))?;
        d.set_item("garble", column(&counts, |c| Some(c.as_ref()?.garble)))?;
        d.set_item(
            "flagged",
            column(&rows, |r| {
                let r = ok(r)?;
                Some(r.is_english() && r.score < threshold?)
            }),
        )?;
        d.set_item(
            "findings",
            column(&rows, |r| {
                let f = batch::select_findings(&ok(r)?.findings, mode)?;
                Some(serde_json::to_string(&f).expect("findings serialize"))
            }),
        )?;
        d.set_item("notice", column(&rows, |r| r.as_ref().ok()?.1.clone()))?;
        d.set_item("error", column(&rows, |r| r.as_ref().err().cloned()))?;
        Ok(d)
    }
}

#[pymodule]
fn _unspun(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyChecker>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("DEFAULT_MAX_DOC_BYTES", DEFAULT_MAX_DOC)?;
    Ok(())
}

//! The `versus` command line: a thin layer over the library that parses arguments, shows
//! progress and prints diagnostics.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// mimalloc instead of the system allocator: a build allocates many small strings and maps on
/// every thread, and glibc's malloc/free were a fifth of the profile on a 10,000-page site.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use versus::diagnostics::Diagnostic;
use versus::error::plural;
use versus::pipeline::{self, BuildOptions, BuildReport};

const EXAMPLES: &str = "\
Examples:
  versus build                      Build ./content into ./site
  versus build --root docs --strict Build another folder; warnings fail the build
  versus build --base-url https://user.github.io/project/
                                    Build for a sub-path (preview deploys)
  versus serve --open               Preview with live reload, open the browser
  versus check                      Run every check, write nothing
  versus deploy --dry-run           Show what a deploy would upload and delete
  versus init my-site               Start a new site";

#[derive(Parser)]
#[command(name = "versus", version, about = "A static site generator for comparison sites", after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print only errors and warnings
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Print more about what happens
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    verbose: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (site/ by default)
    #[command(
        after_help = "Examples:\n  versus build\n  versus build --root path/to/site --output /tmp/out\n  versus build --base-url https://example.org/docs/ --strict"
    )]
    Build(BuildArgs),
    /// Run every check of `build` without writing anything
    #[command(
        after_help = "Examples:\n  versus check\n  versus check --strict\n  versus check --external\n  versus check --stale 18m"
    )]
    Check(CheckArgs),
    /// Preview the site with live reload, served from memory
    #[command(
        after_help = "Examples:\n  versus serve --open\n  versus serve --port 8080 --drafts\n  versus serve --poll        # WSL2, Docker bind mounts, network drives"
    )]
    Serve(ServeArgs),
    /// Start a new site in DIR (default: the current folder), which must be empty
    #[command(
        after_help = "Examples:\n  versus init my-site\n  versus init --data my-site   # subjects and features in CSV files\n  versus init --language de mein-vergleich\n  cd my-site && versus serve"
    )]
    Init(InitArgs),
    /// Build, then publish to a target from [deploy] in versus.toml, sending only what changed
    #[command(
        after_help = "Examples:\n  versus deploy --dry-run     # list every upload, delete and skip; change nothing\n  versus deploy               # the [deploy] target\n  versus deploy staging --yes # [deploy.staging], deleting files gone from the build\n\nTargets: target = \"git\" (remote, branch), \"s3\" (bucket, region, endpoint, prefix),\n\"folder\" (path), \"rsync\" (destination). See docs/deploy.md."
    )]
    Deploy(DeployArgs),
}

#[derive(Args)]
struct DeployArgs {
    /// A target named in versus.toml as [deploy.NAME] (default: the one under [deploy])
    #[arg(value_name = "TARGET")]
    target: Option<String>,
    #[command(flatten)]
    site: SiteArgs,
    /// List every upload, delete and skip with its reason; build in a temporary folder and
    /// change nothing
    #[arg(long)]
    dry_run: bool,
    /// Delete files on the target that are not in the build, without asking
    #[arg(long, short)]
    yes: bool,
    /// Where to build before deploying (default: `output_dir` from versus.toml, i.e. site/)
    #[arg(long, short, value_name = "DIR", conflicts_with = "dry_run")]
    output: Option<PathBuf>,
    /// Override `base_url` (from the target's `base_url`, else versus.toml's)
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
}

#[derive(Args)]
struct InitArgs {
    /// Where to create the site (created if missing; must be empty)
    #[arg(default_value = ".", value_name = "DIR")]
    dir: PathBuf,
    /// The site's language: the interface (titles, legends, dates) is in it. Built in: en, de,
    /// fr, es, ar; any other needs an i18n/<language>.toml
    #[arg(long, default_value = "en", value_name = "CODE")]
    language: String,
    /// Start a site kept as data: subjects and a feature matrix in CSV files under
    /// content/data/, no article
    #[arg(long)]
    data: bool,
}

#[derive(Args)]
struct SiteArgs {
    /// The site folder (holding content/ and optionally versus.toml)
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Include pages with `draft = true`
    #[arg(long)]
    drafts: bool,
    /// Treat warnings as errors
    #[arg(long)]
    strict: bool,
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Where to write the site (default: `output_dir` from versus.toml, i.e. site/)
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Override `base_url` from versus.toml, e.g. for a preview deploy
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Override `base_url` from versus.toml
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Also request every external http(s) link (10 s time-out, 2 at a time per host)
    #[arg(long)]
    external: bool,
    /// List statements older than AGE (90d, 6w, 18m, 2y), by subject, oldest first
    #[arg(long, value_name = "AGE", value_parser = parse_age_arg)]
    stale: Option<versus::content::Age>,
}

fn parse_age_arg(s: &str) -> Result<versus::content::Age, String> {
    versus::content::parse_age(s).ok_or_else(|| {
        format!("`{s}` is not an age: write a number and d, w, m (months) or y, e.g. 18m")
    })
}

#[derive(Args)]
struct ServeArgs {
    /// The site folder (holding content/ and optionally versus.toml)
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Address to listen on; 0.0.0.0 shows the site to your whole network
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    bind: std::net::IpAddr,
    /// Port to listen on; the next free one is taken if it is busy
    #[arg(long, short, default_value_t = 1111)]
    port: u16,
    /// Include pages with `draft = true`
    #[arg(long)]
    drafts: bool,
    /// Open the site in the default browser
    #[arg(long)]
    open: bool,
    /// Poll for changes instead of waiting for file system events (WSL2, Docker, network drives)
    #[arg(long)]
    poll: bool,
    /// After each edit, send open browsers to the page made from the edited file
    #[arg(long)]
    navigate: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The preview server frees and makes a model at each save: it keeps what it freed.
    if !matches!(cli.command, Command::Serve(_)) {
        versus::alloc::return_freed_memory_sooner();
    }
    let ui = Ui {
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    match cli.command {
        Command::Build(a) => {
            let opts = BuildOptions {
                root: a.site.root,
                output: a.output,
                base_url: a.base_url,
                drafts: a.site.drafts,
                strict: a.site.strict,
            };
            run_build(&ui, &opts, true)
        }
        Command::Check(a) => {
            let opts = BuildOptions {
                root: a.site.root,
                output: None,
                base_url: a.base_url,
                drafts: a.site.drafts,
                strict: a.site.strict,
            };
            let external = a.external.then(versus::linkcheck::ExternalOptions::default);
            run_check(&ui, &opts, external.as_ref(), a.stale)
        }
        Command::Init(a) => run_init(&ui, &a.dir, a.data, &a.language),
        Command::Deploy(a) => run_deploy(&ui, a),
        Command::Serve(a) => {
            let opts = versus::serve::ServeOptions {
                root: a.root,
                bind: a.bind,
                port: a.port,
                drafts: a.drafts,
                open: a.open,
                poll: a.poll,
                navigate: a.navigate,
                verbose: cli.verbose,
            };
            match versus::serve::run(&opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    ui.print_diagnostics(&[Diagnostic::error(e.to_string())]);
                    ExitCode::from(1)
                }
            }
        }
    }
}

fn run_init(ui: &Ui, dir: &std::path::Path, data: bool, language: &str) -> ExitCode {
    match versus::init::create(dir, data, language) {
        Ok(()) => {
            if !ui.quiet {
                let cd = if dir == std::path::Path::new(".") {
                    String::new()
                } else {
                    format!("cd {} && ", dir.display())
                };
                println!(
                    "Created a new site in {}.\nNext: {cd}versus serve --open",
                    dir.display()
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            let code = match e {
                versus::Error::Refused(_) => 2,
                _ => 1,
            };
            ui.print_diagnostics(&[Diagnostic::error(e.to_string())]);
            ExitCode::from(code)
        }
    }
}

/// `versus deploy`: pick the target, build (refusing on errors), then hand over to the library.
fn run_deploy(ui: &Ui, a: DeployArgs) -> ExitCode {
    use versus::deploy;
    let target = match deploy::select(&a.site.root, a.target.as_deref()) {
        Ok(t) => t,
        Err(diags) => {
            ui.print_diagnostics(&diags);
            return ExitCode::from(2);
        }
    };
    // A dry run changes nothing, not even the output folder.
    let scratch = if a.dry_run {
        match tempfile::Builder::new().prefix("versus-dry-run-").tempdir() {
            Ok(t) => Some(t),
            Err(e) => {
                ui.print_diagnostics(&[Diagnostic::error(format!(
                    "could not make a temporary folder to build in: {e}"
                ))]);
                return ExitCode::from(1);
            }
        }
    } else {
        None
    };
    let opts = BuildOptions {
        root: a.site.root,
        output: scratch.as_ref().map(|t| t.path().join("site")).or(a.output),
        base_url: a.base_url.or_else(|| target.settings.base_url.clone()),
        drafts: a.site.drafts,
        strict: a.site.strict,
    };
    let result = build_with_progress(ui, &opts, true);
    let output = match &result {
        Ok(r) if r.errors() == 0 => r.output.clone(),
        _ => {
            let code = finish(ui, result, true);
            eprintln!("Nothing was deployed: the build failed.");
            return code;
        }
    };
    finish(ui, result, true);
    let flags = deploy::Flags {
        dry_run: a.dry_run,
        yes: a.yes,
        quiet: ui.quiet,
        verbose: ui.verbose,
    };
    match deploy::run(&target, &output, &flags) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            ui.print_diagnostics(&[e.to_diagnostic()]);
            ExitCode::from(1)
        }
    }
}

/// `versus check`: the build's checks plus links, rendered in memory.
fn run_check(
    ui: &Ui,
    opts: &BuildOptions,
    external: Option<&versus::linkcheck::ExternalOptions>,
    stale: Option<versus::content::Age>,
) -> ExitCode {
    let result = versus::linkcheck::run(opts, external, stale, &|_, _| {});
    finish(ui, result, false)
}

struct Ui {
    quiet: bool,
    verbose: bool,
}

impl Ui {
    fn print_diagnostics(&self, diags: &[Diagnostic]) {
        versus::diagnostics::eprint(diags);
    }

    /// A progress bar on a terminal for long builds; nothing when piped or quiet.
    fn progress_bar(&self) -> Option<indicatif::ProgressBar> {
        if self.quiet || !std::io::stdout().is_terminal() {
            return None;
        }
        let pb = indicatif::ProgressBar::hidden();
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} rendering {pos}/{len} pages {wide_bar} {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(pb)
    }
}

fn run_build(ui: &Ui, opts: &BuildOptions, write: bool) -> ExitCode {
    finish(ui, build_with_progress(ui, opts, write), write)
}

fn build_with_progress(ui: &Ui, opts: &BuildOptions, write: bool) -> versus::Result<BuildReport> {
    let bar = ui.progress_bar();
    let progress = |done: usize, total: usize| {
        if let Some(pb) = &bar {
            // Only worth showing for builds that take a moment.
            if total >= 500 && pb.is_hidden() {
                pb.set_draw_target(indicatif::ProgressDrawTarget::stdout());
            }
            pb.set_length(total as u64);
            pb.set_position(done as u64);
        }
    };
    let result = pipeline::build(opts, write, &progress);
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    result
}

fn finish(ui: &Ui, result: versus::Result<BuildReport>, write: bool) -> ExitCode {
    match result {
        Ok(report) => {
            ui.print_diagnostics(&report.diagnostics);
            summary(ui, &report, write);
            if report.errors() > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            let code = match e {
                versus::Error::Refused(_) => 2,
                _ => 1,
            };
            let mut d = Diagnostic::error(e.to_string());
            if write && matches!(e, versus::Error::Io { .. }) {
                // Output is replaced only by a finished build (see `output`).
                d = d.with_help("the previous output was left as it was");
            }
            ui.print_diagnostics(&[d]);
            ExitCode::from(code)
        }
    }
}

fn summary(ui: &Ui, r: &BuildReport, write: bool) {
    let (errors, warnings) = (r.errors(), r.warnings());
    let secs = r.elapsed.as_secs_f64();
    let line = if errors > 0 {
        let kept = if write {
            "; the previous output was left as it was"
        } else {
            ""
        };
        format!(
            "Failed: {errors} error{}, {warnings} warning{} in {secs:.2} s{kept}",
            plural(errors),
            plural(warnings)
        )
    } else if write {
        format!(
            "Built {} page{} ({} files) in {secs:.2} s, {warnings} warning{} → {}",
            r.pages,
            plural(r.pages),
            r.files,
            plural(warnings),
            r.output.display()
        )
    } else {
        format!(
            "Checked {} page{} in {secs:.2} s: {warnings} warning{}, no errors",
            r.pages,
            plural(r.pages),
            plural(warnings)
        )
    };
    if errors > 0 {
        eprintln!("{line}");
    } else if !ui.quiet {
        println!("{line}");
    }
    if ui.verbose {
        eprintln!("output: {}", r.output.display());
        for (stage, t) in &r.stages {
            eprintln!("  {stage:<22} {:>8.1} ms", t.as_secs_f64() * 1000.0);
        }
    }
}

//! `ferrodash`: the framework's command line.
//!
//! ```text
//! ferrodash new <DIR> [--name NAME] [--git URL [--rev REV] | --path CHECKOUT]
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use ferrodash_cli::{ProjectName, Source, new_project};

const USAGE: &str = "\
Usage: ferrodash new <DIR> [OPTIONS]

Writes a runnable ferrodash app into DIR (a new or empty folder): a page with
a callback over a SQL bind, Bootstrap's theme in light and dark, tests (one in
a real browser), a Dockerfile and a README.

Options:
  --name NAME       the package's name (default: DIR's last part)
  --git URL         take ferrodash from this git repository (the default:
                    the project's own repository)
  --rev REV         ... at this commit, tag or branch
  --path CHECKOUT   take ferrodash from a checkout on this machine (the
                    folder holding crates/)
  -h, --help        this text
  -V, --version     the version";

/// What the command line asks for.
#[derive(Debug)]
enum Command {
    Help,
    Version,
    New {
        dir: PathBuf,
        name: Option<String>,
        source: Source,
    },
}

/// Reads the arguments after the program's name.
fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut args = args.into_iter();
    match args.next().as_deref() {
        None | Some("-h" | "--help" | "help") => return Ok(Command::Help),
        Some("-V" | "--version") => return Ok(Command::Version),
        Some("new") => {}
        Some(other) => return Err(format!("unknown command `{other}`")),
    }
    let (mut dir, mut name, mut git, mut rev, mut path) = (None, None, None, None, None);
    while let Some(arg) = args.next() {
        let mut value = |option: &str| {
            args.next()
                .ok_or_else(|| format!("`{option}` needs a value"))
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--name" => name = Some(value("--name")?),
            "--git" => git = Some(value("--git")?),
            "--rev" => rev = Some(value("--rev")?),
            "--path" => path = Some(PathBuf::from(value("--path")?)),
            option if option.starts_with('-') => {
                return Err(format!("unknown option `{option}`"));
            }
            _ if dir.is_some() => return Err(format!("one folder only: `{arg}` is a second")),
            _ => dir = Some(PathBuf::from(arg)),
        }
    }
    let dir = dir.ok_or("`new` needs the new project's folder")?;
    let source = match (git, path) {
        (Some(_), Some(_)) => return Err("`--git` and `--path` exclude each other".to_owned()),
        (None, Some(_)) if rev.is_some() => return Err("`--rev` goes with `--git`".to_owned()),
        (None, Some(path)) => {
            if !path.join("crates/ferrodash/Cargo.toml").is_file() {
                return Err(format!(
                    "`{}` is not a ferrodash checkout: it has no crates/ferrodash/Cargo.toml",
                    path.display()
                ));
            }
            Source::Path(std::path::absolute(&path).map_err(|e| e.to_string())?)
        }
        (git, None) => Source::Git {
            url: git.unwrap_or_else(|| env!("CARGO_PKG_REPOSITORY").to_owned()),
            rev,
        },
    };
    Ok(Command::New { dir, name, source })
}

fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Help => println!("{USAGE}"),
        Command::Version => println!("ferrodash {}", env!("CARGO_PKG_VERSION")),
        Command::New { dir, name, source } => {
            let name = match name {
                Some(name) => name,
                None => dir
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .ok_or_else(|| {
                        format!(
                            "`{}` has no last part to name the project: give --name",
                            dir.display()
                        )
                    })?,
            };
            let name = ProjectName::parse(&name).map_err(|e| e.to_string())?;
            let written = new_project(&dir, &name, &source).map_err(|e| e.to_string())?;
            println!(
                "Wrote {} files of `{}` into {}.\n\nNext:\n  cd {}\n  cargo run     # http://127.0.0.1:8050\n  cargo test",
                written.len(),
                name.as_str(),
                dir.display(),
                dir.display()
            );
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let command = match parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(problem) => {
            eprintln!("ferrodash: {problem}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => {
            eprintln!("ferrodash: {problem}");
            ExitCode::FAILURE
        }
    }
}

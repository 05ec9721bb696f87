//! `cargo xtask codegen [--check]`: the typed builders of
//! `crates/ferrodash-components` from the metadata in the pinned `dash` wheel
//! and in the wheels of the component packages `frontend/component-packages.txt`
//! pins (AG Grid, Bootstrap, Mantine).
//!
//! Steps: open each wheel (downloaded once into `xtask-cache/` of Cargo's
//! target directory), parse its `metadata.json` ([`model`]) or, for packages
//! that ship none, its generated Python modules ([`python`]), emit Rust
//! ([`emit`]), format it with `rustfmt --edition 2024`, then write the files or
//! compare them.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};

mod children;
mod emit;
mod model;
mod naming;
mod pins;
mod python;
mod summaries;
mod wheel;

/// Whether to write the generated files or only compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Write,
    Check,
}

/// What kind of module a library becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `html`: functions take children; `children` is always sent.
    Html,
    /// `dcc`: functions take the id.
    Core,
    /// `dash_table`: functions take the id.
    Table,
    /// A component package of `frontend/component-packages.txt`: a
    /// component's function takes its children where it has them, as its
    /// Python class does, else its id.
    Package(&'static Package),
}

/// A component package beyond Dash's own, read from its pinned wheel.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Package {
    /// The distribution's name on PyPI, as in `frontend/component-packages.txt`.
    pub(crate) distribution: &'static str,
    /// What the docs call the library.
    pub(crate) title: &'static str,
    /// The cargo feature of `ferrodash-components` that compiles the module.
    pub(crate) feature: &'static str,
    /// The library's own documentation of its components.
    pub(crate) docs: &'static str,
    /// Where the wheel keeps what the components are generated from.
    pub(crate) layout: Layout,
}

/// Where a package's wheel describes its components.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Layout {
    /// A `metadata.json`, as Dash's own wheel has.
    Metadata(&'static str),
    /// Only the generated Python modules, one per component, in this folder
    /// (with a trailing slash).
    Modules(&'static str),
}

/// One component library and the module generated from it.
#[derive(Debug)]
pub(crate) struct Library {
    pub(crate) module: &'static str,
    /// Dash's own libraries: the member of the dash wheel with the metadata.
    pub(crate) wheel_member: &'static str,
    pub(crate) namespace: &'static str,
    pub(crate) kind: Kind,
}

const AG_GRID: Package = Package {
    distribution: "dash-ag-grid",
    title: "Dash AG Grid",
    feature: "ag-grid",
    docs: "https://dash.plotly.com/dash-ag-grid",
    layout: Layout::Metadata("dash_ag_grid/metadata.json"),
};
const BOOTSTRAP: Package = Package {
    distribution: "dash-bootstrap-components",
    title: "Dash Bootstrap Components",
    feature: "bootstrap",
    docs: "https://www.dash-bootstrap-components.com/docs/components/",
    layout: Layout::Modules("dash_bootstrap_components/_components/"),
};
const MANTINE: Package = Package {
    distribution: "dash-mantine-components",
    title: "Dash Mantine Components",
    feature: "mantine",
    docs: "https://www.dash-mantine-components.com/",
    layout: Layout::Modules("dash_mantine_components/"),
};

const LIBRARIES: [Library; 6] = [
    Library {
        module: "html",
        wheel_member: "dash/html/metadata.json",
        namespace: "dash_html_components",
        kind: Kind::Html,
    },
    Library {
        module: "dcc",
        wheel_member: "dash/dcc/metadata.json",
        namespace: "dash_core_components",
        kind: Kind::Core,
    },
    Library {
        module: "dash_table",
        wheel_member: "dash/dash_table/metadata.json",
        namespace: "dash_table",
        kind: Kind::Table,
    },
    Library {
        module: "ag_grid",
        wheel_member: "",
        namespace: "dash_ag_grid",
        kind: Kind::Package(&AG_GRID),
    },
    Library {
        module: "bootstrap",
        wheel_member: "",
        namespace: "dash_bootstrap_components",
        kind: Kind::Package(&BOOTSTRAP),
    },
    Library {
        module: "mantine",
        wheel_member: "",
        namespace: "dash_mantine_components",
        kind: Kind::Package(&MANTINE),
    },
];

/// Where the generated files live, relative to the workspace root.
const OUTPUT_DIR: &str = "crates/ferrodash-components/src/generated";

/// The pin file of the component packages, relative to the workspace root.
pub(crate) const PACKAGE_PINS: &str = "frontend/component-packages.txt";

pub(crate) fn run(root: &Path, mode: Mode) -> anyhow::Result<()> {
    let mut dash = wheel::Wheel::open(root, &wheel::Pin::dash())?;
    let pins = pins::read(&root.join(PACKAGE_PINS))?;
    let mut stale = Vec::new();
    for lib in &LIBRARIES {
        let (components, origin) = match lib.kind {
            Kind::Package(package) => {
                let pin = pins
                    .iter()
                    .find(|p| p.name == package.distribution)
                    .with_context(|| {
                        format!("{PACKAGE_PINS} does not pin {}", package.distribution)
                    })?;
                let mut wheel = wheel::Wheel::open(root, pin)?;
                let components = package_components(&mut wheel, lib, package)
                    .with_context(|| format!("reading {} {}", pin.name, pin.version))?;
                let origin = format!("{} {}", pin.name, pin.version);
                (components, origin)
            }
            Kind::Html | Kind::Core | Kind::Table => {
                let metadata = dash.read(lib.wheel_member)?;
                let components = model::parse_library(&metadata)
                    .with_context(|| format!("parsing {}", lib.wheel_member))?;
                let origin = format!("`{}` of dash {}", lib.wheel_member, wheel::DASH_VERSION);
                (components, origin)
            }
        };
        let source = emit::library(lib, &origin, &components)
            .with_context(|| format!("generating {}", lib.module))?;
        let formatted = rustfmt(root, &source)
            .with_context(|| format!("formatting the generated {}.rs", lib.module))?;
        let relative = format!("{OUTPUT_DIR}/{}.rs", lib.module);
        let path = root.join(&relative);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(formatted.as_str()) {
            eprintln!(
                "xtask: {relative} is up to date ({})",
                count(components.len())
            );
            continue;
        }
        match mode {
            Mode::Check => stale.push(relative),
            Mode::Write => {
                std::fs::create_dir_all(root.join(OUTPUT_DIR))?;
                std::fs::write(&path, formatted)
                    .with_context(|| format!("writing {}", path.display()))?;
                eprintln!("xtask: wrote {relative} ({})", count(components.len()));
            }
        }
    }
    if !stale.is_empty() {
        bail!(
            "generated code is stale (differs from what `cargo xtask codegen` produces): {}\n\
             run `cargo xtask codegen` and commit the result",
            stale.join(", ")
        );
    }
    Ok(())
}

/// A package's components, sorted by type name, each checked to belong to
/// the library's namespace.
fn package_components(
    wheel: &mut wheel::Wheel,
    lib: &Library,
    package: &Package,
) -> anyhow::Result<Vec<model::ComponentDef>> {
    let components = match package.layout {
        Layout::Metadata(member) => {
            let metadata = wheel.read(member)?;
            model::parse_library(&metadata).with_context(|| format!("parsing {member}"))?
        }
        Layout::Modules(folder) => {
            let mut components = Vec::new();
            for member in wheel.files_in(folder, ".py") {
                let text = wheel.read(&member)?;
                // Hand-written modules (`__init__.py`, themes, helpers) lack
                // the generator's first line.
                if !text.starts_with("# AUTO GENERATED FILE - DO NOT EDIT") {
                    continue;
                }
                let module =
                    python::parse_module(&text).with_context(|| format!("parsing {member}"))?;
                if module.namespace != lib.namespace {
                    bail!(
                        "{member} declares the namespace {}, not {}",
                        module.namespace,
                        lib.namespace
                    );
                }
                components.push(module.component);
            }
            components.sort_by(|a, b| a.type_name.cmp(&b.type_name));
            components
        }
    };
    if components.is_empty() {
        bail!("no components found");
    }
    if let Some(pair) = components
        .windows(2)
        .find(|pair| pair.first().map(|c| &c.type_name) == pair.get(1).map(|c| &c.type_name))
    {
        let name = pair.first().map_or("", |c| c.type_name.as_str());
        bail!("two components are named {name}");
    }
    Ok(components)
}

/// Formats Rust source with `rustfmt --edition 2024` (`RUSTFMT` overrides the
/// binary), run from the workspace root so it uses the repository's settings.
fn rustfmt(root: &Path, source: &str) -> anyhow::Result<String> {
    let program = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
    let mut child = Command::new(&program)
        .args(["--edition", "2024"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("running {}", program.to_string_lossy()))?;
    let mut stdin = child.stdin.take().context("rustfmt has no stdin")?;
    let output = std::thread::scope(|scope| {
        let writer = scope.spawn(move || stdin.write_all(source.as_bytes()));
        let output = child.wait_with_output();
        let written = writer
            .join()
            .map_err(|_| anyhow::anyhow!("stdin writer panicked"))?;
        written.context("writing to rustfmt")?;
        output.context("waiting for rustfmt")
    })?;
    if !output.status.success() {
        bail!(
            "rustfmt failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    String::from_utf8(output.stdout).context("rustfmt wrote non-UTF-8")
}

fn count(components: usize) -> String {
    if components == 1 {
        String::from("1 component")
    } else {
        format!("{components} components")
    }
}

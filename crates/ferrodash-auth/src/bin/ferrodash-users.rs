//! `ferrodash-users`: add users and reset passwords in an app's database.
//!
//! ```text
//! ferrodash-users [--database URL] add NAME [--display "Full Name"] [--groups a,b]
//! ferrodash-users [--database URL] reset NAME
//! ferrodash-users [--database URL] list
//! ferrodash-users [--database URL] token NAME [--label "what it is for"]
//! ferrodash-users [--database URL] revoke NAME
//! ```
//!
//! `token` prints a new API token of the user (for a program acting for
//! them, an AI agent over MCP say) once; only its hash is kept. `revoke`
//! revokes all of a user's tokens.
//!
//! The database URL comes from `--database` or `FERRODASH_DATABASE_URL`
//! (default `sqlite://ferrodash-gallery.db`). A password is read from the
//! first line of standard input, never from the command line (where other
//! users of the machine could see it).

use std::io::BufRead as _;
use std::process::ExitCode;

use ferrodash_auth::Users;
use ferrodash_data::{Bind, BindConfig};

const USAGE: &str = "usage: ferrodash-users [--database URL] add NAME [--display NAME] [--groups a,b]\n       \
                     ferrodash-users [--database URL] reset NAME\n       \
                     ferrodash-users [--database URL] list\n       \
                     ferrodash-users [--database URL] token NAME [--label TEXT]\n       \
                     ferrodash-users [--database URL] revoke NAME\n\
                     The password is read from the first line of standard input.";

/// What to do.
enum Command {
    Add {
        name: String,
        display: Option<String>,
        groups: Vec<String>,
    },
    Reset {
        name: String,
    },
    List,
    Token {
        name: String,
        label: String,
    },
    Revoke {
        name: String,
    },
}

fn parse(args: &[String]) -> Result<(Option<String>, Command), String> {
    let mut database = None;
    let mut display = None;
    let mut label = None;
    let mut groups = Vec::new();
    let mut words = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match arg.as_str() {
            "--database" => database = Some(value("--database")?),
            "--display" => display = Some(value("--display")?),
            "--label" => label = Some(value("--label")?),
            "--groups" => {
                groups = value("--groups")?
                    .split(',')
                    .map(str::trim)
                    .filter(|g| !g.is_empty())
                    .map(str::to_owned)
                    .collect();
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            word => words.push(word.to_owned()),
        }
    }
    let command = match words.as_slice() {
        [add, name] if add == "add" => Command::Add {
            name: name.clone(),
            display,
            groups,
        },
        [reset, name] if reset == "reset" => Command::Reset { name: name.clone() },
        [list] if list == "list" => Command::List,
        [token, name] if token == "token" => Command::Token {
            name: name.clone(),
            label: label.unwrap_or_else(|| "api".to_owned()),
        },
        [revoke, name] if revoke == "revoke" => Command::Revoke { name: name.clone() },
        _ => {
            return Err(
                "expected add NAME, reset NAME, list, token NAME or revoke NAME".to_owned(),
            );
        }
    };
    Ok((database, command))
}

fn read_password() -> Result<String, String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

async fn run(database: &str, command: Command) -> Result<String, String> {
    let bind = Bind::connect("users", database, BindConfig::default())
        .await
        .map_err(|e| e.to_string())?;
    let users = Users::open(bind).await.map_err(|e| e.to_string())?;
    match command {
        Command::Add {
            name,
            display,
            groups,
        } => {
            let password = read_password()?;
            let groups: Vec<&str> = groups.iter().map(String::as_str).collect();
            users
                .add(
                    &name,
                    display.as_deref().unwrap_or(&name),
                    &password,
                    &groups,
                )
                .await
                .map_err(|e| e.to_string())?;
            Ok(format!("added user {name}"))
        }
        Command::Reset { name } => {
            let password = read_password()?;
            users
                .set_password(&name, &password)
                .await
                .map_err(|e| e.to_string())?;
            Ok(format!("set a new password for {name}"))
        }
        Command::List => Ok(users.names().await.map_err(|e| e.to_string())?.join("\n")),
        Command::Token { name, label } => users
            .issue_token(&name, &label)
            .await
            .map_err(|e| e.to_string()),
        Command::Revoke { name } => {
            let revoked = users
                .revoke_tokens(&name)
                .await
                .map_err(|e| e.to_string())?;
            Ok(format!("revoked {revoked} token(s) of {name}"))
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (database, command) = match parse(&args) {
        Ok(parsed) => parsed,
        Err(problem) => {
            eprintln!("ferrodash-users: {problem}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let database = database
        .or_else(|| std::env::var("FERRODASH_DATABASE_URL").ok())
        .unwrap_or_else(|| "sqlite://ferrodash-gallery.db".to_owned());
    match run(&database, command).await {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(problem) => {
            eprintln!("ferrodash-users: {problem}");
            ExitCode::FAILURE
        }
    }
}

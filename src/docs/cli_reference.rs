//! The command-line reference (`docs/reference/cli.md`): every
//! subcommand's `--help`, exactly as the program prints it, from the clap
//! `Command` the binary parses with.

use super::markdown::{generated_notice, table};

/// The guide of each subcommand, relative to `docs/reference/`.
pub const GUIDES: &[(&str, &str)] = &[
    ("run", "../guide/run.md"),
    ("sweep", "../guide/sweep.md"),
    ("analyze", "../guide/analyze.md"),
    ("compare", "../guide/compare.md"),
    ("models", "../guide/models.md"),
    ("emulator", "../guide/emulator.md"),
    ("calibrate", "../guide/calibrate.md"),
    ("docs", "../../CONTRIBUTING.md#documentation"),
];

/// The page, generated from `command` (the program's whole command line).
pub fn cli_reference(command: &clap::Command) -> String {
    let mut command = command.clone();
    // Building gives every subcommand its full name (`bedrock-bench run`)
    // in its usage line, as `bedrock-bench run --help` shows it.
    command.build();
    let program = command.get_name().to_string();
    // (name, about) of each subcommand, in the program's order.
    let subcommands: Vec<(String, String)> = command
        .get_subcommands()
        .filter(|c| c.get_name() != "help")
        .map(|c| {
            let about = c.get_about().map(|a| a.to_string()).unwrap_or_default();
            (c.get_name().to_string(), about)
        })
        .collect();

    let mut out = String::from("# Command-line reference\n\n");
    out.push_str(&generated_notice(
        "the command line's own definitions (`src/cli/`, and the emulator's options in `crates/bedrock-emulator/src/cli.rs`)",
    ));
    out.push_str(&format!(
        "\nEvery subcommand's `--help`, exactly as `{program} <command> --help` prints it. \
         The guides say when and how to use each.\n\n"
    ));
    let rows: Vec<Vec<String>> = subcommands
        .iter()
        .map(|(name, about)| {
            let guide = GUIDES
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, path)| format!("[guide]({path})"))
                .unwrap_or_default();
            vec![
                format!("[`{name}`](#{})", slug(&format!("{program} {name}"))),
                about.clone(),
                guide,
            ]
        })
        .collect();
    out.push_str(&table(&["command", "what it does", "guide"], &rows));
    out.push_str(&format!(
        "\n## {program}\n\n```text\n{}\n```\n",
        help(&mut command)
    ));
    for (name, _) in &subcommands {
        let Some(sub) = command.find_subcommand_mut(name) else {
            continue;
        };
        out.push_str(&format!(
            "\n## {program} {name}\n\n```text\n{}\n```\n",
            help(sub)
        ));
    }
    out
}

/// What `--help` prints for `command` (built), without trailing blank
/// lines: clap prints the long form only when some text has one, and then
/// its `--help` flag says "see a summary with '-h'".
fn help(command: &mut clap::Command) -> String {
    let long = command
        .get_arguments()
        .any(|a| a.get_id() == "help" && a.get_long_help().is_some());
    let text = if long {
        command.render_long_help()
    } else {
        command.render_help()
    };
    text.to_string().trim_end().to_string()
}

/// GitHub's anchor of a heading made of plain words and hyphens.
fn slug(heading: &str) -> String {
    heading.to_lowercase().replace(' ', "-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Arg, ArgAction, Command};

    fn program() -> Command {
        Command::new("tool")
            .about("Does things")
            .subcommand(
                Command::new("run").about("Run it").arg(
                    Arg::new("check")
                        .long("check")
                        .help("Only check")
                        .action(ArgAction::SetTrue),
                ),
            )
            .subcommand(Command::new("other").about("No guide"))
    }

    #[test]
    fn every_subcommand_gets_its_help_with_its_full_usage() {
        let page = cli_reference(&program());
        assert!(page.contains("## tool run\n\n```text\nRun it\n\nUsage: tool run [OPTIONS]"));
        assert!(page.contains("--check  Only check"));
        assert!(page.contains("| [`run`](#tool-run) | Run it | [guide](../guide/run.md) |"));
        assert!(page.contains("| [`other`](#tool-other) | No guide |  |"));
        assert!(!page.contains("## tool help"));
        // The same command line gives the same page.
        assert_eq!(page, cli_reference(&program()));
    }
}

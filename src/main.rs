//! The `mrgen` binary: everything happens in `mrgen::run`.

fn main() -> std::process::ExitCode {
    mrgen::run::main()
}

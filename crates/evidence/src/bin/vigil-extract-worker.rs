//! The extraction worker: reads one file and writes what it extracted as
//! JSON on standard output. Run by `vigil_evidence::extract_isolated`
//! under time and memory limits; not meant to be run by hand.

fn main() -> std::process::ExitCode {
    vigil_evidence::worker_main(std::env::args_os().skip(1))
}

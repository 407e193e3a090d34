//! The usage-lens single-page app: installs the panic hook and mounts.

fn main() {
    usage_lens::app::install_panic_hook();
    usage_lens::app::mount();
}

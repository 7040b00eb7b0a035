use super::*;

#[test]
fn a_renderer_failure_is_an_internal_error() {
    let text = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/environments/production.yaml")).unwrap();
    let checked = check::check("production", "environments/production.yaml", &text, &[]);
    let mut plan = checked.plan.unwrap();
    // A plan the renderers cannot express: stacks that use parameters they no longer declare.
    for s in &mut plan.stacks {
        s.parameters.clear();
    }
    let all = output::Owned {
        cloudformation: true,
        terraform: true,
    };
    let f = render_files(
        checked.env.as_ref().unwrap(),
        &plan,
        all,
        render::tf::Layout::Stacks,
        render::CfnReferences::Parameters,
        None,
    )
    .unwrap_err();
    assert!(matches!(f, Failure::Internal(_)), "{f:?}");
    assert_eq!(f.code(), 3);
    assert!(
        f.to_string().starts_with("internal error: cannot render production: "),
        "{f}"
    );
}

#[test]
fn io_and_usage_errors_are_plain_errors() {
    let io = Failure::Io("cannot read `x`: denied".into());
    assert_eq!(
        (io.code(), io.to_string().as_str()),
        (3, "error: cannot read `x`: denied")
    );
    let usage = Failure::Usage("unknown environment `x`".into());
    assert_eq!(usage.code(), 2);
    assert!(usage.to_string().starts_with("error: "));
}

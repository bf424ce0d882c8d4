//! What an operation's method returns, from its answer's values: `Response`, `()`, one value or a struct.

use crate::lower::{OperationLowerer, Shape, Types};
use crate::model::{Answer, Builtin, FieldForm, Occurs, TypeRef};

/// The answer of a typed operation. `has_output`: the operation has an output message at all.
pub(super) fn answer(
    types: &mut Types<'_>,
    lowerer: &OperationLowerer<'_, '_>,
    shape: &Shape,
    has_output: bool,
    json_answers: bool,
) -> Answer {
    match shape.outputs.as_slice() {
        _ if !has_output => Answer::Unit,
        [] => Answer::Unit,
        [one]
            if json_answers
                && one.ty == TypeRef::Simple(Builtin::String)
                && one.occurs != Occurs::Many
                && one.form != FieldForm::Attribute =>
        {
            Answer::Json
        }
        [one] => Answer::One(one.clone()),
        several => {
            let hint = format!("{}Answer", heck_camel(lowerer.name()));
            Answer::Struct(types.answer_struct(&hint, several.to_vec()))
        }
    }
}

fn heck_camel(name: &str) -> String {
    use heck::ToUpperCamelCase;
    name.to_upper_camel_case()
}

//! [`crate::model::Api`] to tokens: the imports, the operation list, then one block per operation.

mod client;
mod statics;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Api, Operation, XsdKind};

/// The whole generated file, without its header: [`prelude`], then every [`operation`].
pub fn file(api: &Api) -> TokenStream {
    let prelude = prelude(api);
    let operations = api.operations.iter().map(operation);
    quote!(#prelude #(#operations)*)
}

/// The static, the `Client` method and the request type of one operation.
pub fn operation(op: &Operation) -> TokenStream {
    let info = statics::operation(op);
    let client = client::operation(op);
    quote!(#info #client)
}

/// The imports and the `OPERATIONS` list.
pub fn prelude(api: &Api) -> TokenStream {
    let has_ops = !api.operations.is_empty();
    let has_params = api.operations.iter().any(|op| !op.params.is_empty());
    let has_values = api
        .operations
        .iter()
        .any(|op| op.params.iter().any(|p| !p.token));
    // Import only what is used, so a tiny WSDL does not trip `unused_imports`.
    let mut meta = vec![quote!(OperationInfo)];
    if has_params {
        meta.push(quote!(ParamInfo));
    }
    let raw: Vec<&Operation> = api
        .operations
        .iter()
        .filter(|op| op.raw.is_some())
        .collect();
    if !raw.is_empty() {
        meta.push(quote!(RawOperation));
    }
    if has_ops {
        meta.extend([quote!(SoapVersion), quote!(Style), quote!(Use)]);
    }
    if has_params {
        meta.extend([quote!(XsdKind), quote!(Ty), quote!(Builtin)]);
    }
    if api.operations.iter().any(|op| !op.outputs.is_empty()) {
        meta.extend([quote!(FieldInfo), quote!(FieldForm), quote!(Occurs)]);
        if !has_params {
            meta.extend([quote!(Ty), quote!(Builtin)]);
        }
    }
    let xsd = has_values.then(|| {
        quote!(
            use crate::xsd::ToXsd;
        )
    });
    let mut runtime_items = vec![quote!(Client), quote!(Raw)];
    if raw.len() < api.operations.len() {
        runtime_items.push(quote!(Response));
    }
    runtime_items.push(quote!(Result));
    if !raw.is_empty() {
        runtime_items.push(quote!(XmlAnswer));
    }
    let runtime = has_ops.then(|| {
        quote!(
            use crate::{#(#runtime_items),*};
        )
    });
    let raw_table = (!raw.is_empty()).then(|| {
        let entries = raw.iter().filter_map(|op| {
            let raw = op.raw.as_ref()?;
            let (name, reason, one_way) = (&op.xml_name, &raw.reason, raw.one_way);
            Some(quote!(RawOperation { name: #name, reason: #reason, one_way: #one_way }))
        });
        quote! {
            impl crate::meta::RawOperations {
                #[doc = " The operations generated as raw methods, and why."]
                pub const ALL: &'static [RawOperation] = &[#(#entries),*];
            }
        }
    });
    let all = api.operations.iter().map(|op| {
        let name = crate::names::ident(&op.static_name);
        quote!(&#name)
    });
    quote! {
        use crate::meta::{#(#meta),*};
        #xsd
        #runtime

        #[doc = " Every operation of the WSDL, in WSDL order."]
        pub static OPERATIONS: &[&OperationInfo] = &[#(#all),*];
        #raw_table
    }
}

/// `#[doc = " line"]` attributes, one per line, with `/// Text` spacing once rendered.
fn doc<I, S>(lines: I) -> TokenStream
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let attrs = lines.into_iter().map(|line| {
        let line = line.as_ref();
        // A fence in vendor text would start a doctest; escape it so rustdoc shows it as text.
        let line = if line.starts_with("```") || line.starts_with("~~~") {
            format!(" \\{line}")
        } else if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#attrs)*)
}

/// The Rust type of a field or non-text argument.
fn value_type(kind: XsdKind) -> TokenStream {
    match kind {
        XsdKind::String => quote!(String),
        XsdKind::Integer => quote!(i64),
        XsdKind::Boolean => quote!(bool),
        XsdKind::Decimal => quote!(f64),
        XsdKind::Date => quote!(jiff::civil::Date),
        XsdKind::DateTime => quote!(jiff::civil::DateTime),
        XsdKind::Time => quote!(jiff::civil::Time),
    }
}

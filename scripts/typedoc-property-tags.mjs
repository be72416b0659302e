// A TypeDoc plugin: `@property name text` on a function, method, property or type alias documents
// the members of the inline object types in its type (a return type, a union's members, a Record's
// values), as TypeDoc itself does only for an interface's or a type alias's own children. Dotted
// names reach nested literals (`@property tensors.name`). A member of function or constructor type
// whose signatures have no comment is described by its own comment. Inherited members get the
// tags of the member they inherit from, so a comment written once on Module documents every layer.
import { Comment, Converter, ReflectionKind } from "typedoc";

const isPropTag = (t) => t.tag === "@property" || t.tag === "@prop";

/** The object-literal declarations reachable from a type: through unions, intersections, arrays, type arguments. */
function literals(type, out = []) {
  if (!type) return out;
  switch (type.type) {
    case "reflection": out.push(type.declaration); break;
    case "union": case "intersection": type.types.forEach((t) => literals(t, out)); break;
    case "array": literals(type.elementType, out); break;
    case "reference": (type.typeArguments ?? []).forEach((t) => literals(t, out)); break;
    case "tuple": (type.elements ?? []).forEach((t) => literals(t, out)); break;
  }
  return out;
}

/** The types of a reflection whose literals its @property tags describe. */
function ownTypes(r) {
  const types = [r.type];
  for (const sig of r.signatures ?? []) types.push(sig.type);
  for (const tp of [...(r.typeParameters ?? []), ...(r.signatures ?? []).flatMap((s) => s.typeParameters ?? [])]) types.push(tp.type);
  return types;
}

function setComment(r, parts, sourcePath) {
  if (r.hasComment()) return;
  r.comment = new Comment(Comment.cloneDisplayParts(parts));
  r.comment.sourcePath = sourcePath;
  for (const sig of r.signatures ?? []) setComment(sig, parts, sourcePath);
}

function apply(types, path, parts, sourcePath) {
  const [head, ...rest] = path;
  for (const lit of types.flatMap((t) => literals(t))) {
    for (const child of lit.children ?? []) {
      if (child.name !== head) continue;
      if (rest.length === 0) setComment(child, parts, sourcePath);
      else apply(ownTypes(child), rest, parts, sourcePath);
    }
  }
}

/** @param {import("typedoc").Application} app */
export function load(app) {
  const tags = new Map();
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const r of Object.values(context.project.reflections)) {
      const found = r.comment?.blockTags.filter((t) => isPropTag(t) && t.name);
      if (found?.length) tags.set(r, { found, sourcePath: r.comment.sourcePath });
    }
  });
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    for (const r of Object.values(context.project.reflections)) {
      const own = tags.get(r) ?? tags.get(r.inheritedFrom?.reflection) ?? tags.get(r.parent?.inheritedFrom?.reflection);
      if (own) for (const t of own.found) apply(ownTypes(r), t.name.split("."), t.content, own.sourcePath);
      // A property of function or constructor type: its comment describes the signature.
      if (r.kindOf(ReflectionKind.Property) && r.hasComment()) {
        for (const lit of literals(r.type)) {
          if ((lit.children ?? []).length === 0) for (const sig of lit.signatures ?? []) setComment(sig, r.comment.summary, r.comment.sourcePath);
        }
      }
    }
  });
}

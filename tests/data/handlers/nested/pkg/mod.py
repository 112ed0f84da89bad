"""A handler addressed by a dotted module path ("pkg.mod.fn")."""


def fn(event, context):
    return {"module": __name__}

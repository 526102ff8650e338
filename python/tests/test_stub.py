"""The type stub (iaf/__init__.pyi) describes the module as it is: the same
public names, and functions with the same parameters in the same order."""

import ast
import inspect
import os

import iaf


def stub_defs():
    path = os.path.join(os.path.dirname(iaf.__file__), "__init__.pyi")
    tree = ast.parse(open(path, encoding="utf-8").read())
    funcs, classes = {}, {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            a = node.args
            funcs[node.name] = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]
        elif isinstance(node, ast.ClassDef):
            classes[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
    return funcs, classes


def test_stub_matches_the_module():
    funcs, classes = stub_defs()
    for name in iaf.__all__:
        if name == "__version__":
            continue
        obj = getattr(iaf, name)
        if inspect.isclass(obj):
            assert name in classes, name
            for m in classes[name]:
                assert hasattr(obj, m), (name, m)
        else:
            assert name in funcs, name
            assert list(inspect.signature(obj).parameters) == funcs[name], name
    for name in funcs:
        assert name in iaf.__all__, name

# The conformance tool in a container: the reference sandbox as a CI service container (default), or a run.
#
#   docker build -t register-conformance .
#   docker build -t register-conformance --build-context schemas=../shared/openapi .   # private image only
#
# DfE's schema files are not in this image unless you pass the "schemas" build context (never do that for an
# image you publish): mount them at run time instead (-v "$PWD/openapi:/schemas:ro"). The sandbox needs none.
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS wheel
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY src src
COPY suites suites
COPY openapi openapi
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /dist .

# Empty unless replaced with --build-context schemas=DIR (a folder holding v2025.0.yaml, v2026.1.yaml).
FROM scratch AS schemas

FROM ${PYTHON_IMAGE}
RUN useradd --create-home --uid 10001 conformance && mkdir /schemas /work && chown conformance /work
COPY --from=wheel /dist /tmp/dist
RUN pip install --no-cache-dir /tmp/dist/*.whl && rm -rf /tmp/dist
COPY --from=schemas --chown=conformance . /schemas/
ENV REGISTER_OPENAPI_DIR=/schemas PYTHONUNBUFFERED=1
USER conformance
WORKDIR /work
EXPOSE 8000
# Up when /info answers over HTTP (200 with the sandbox's default token; a 401 also means the API is serving).
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 CMD ["python", "-c", "import urllib.request as u, urllib.error as e\ntry: u.urlopen(u.Request('http://127.0.0.1:8000/api/v2026.1/info', headers={'Authorization': 'Bearer sandbox_provider_a_token'}), timeout=4)\nexcept e.HTTPError as x: raise SystemExit(x.code >= 500)"]
ENTRYPOINT ["register-conformance"]
CMD ["sandbox", "--host", "0.0.0.0", "--port", "8000", "--db", "/work/sandbox.sqlite3"]

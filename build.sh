#!/usr/bin/env bash
# Builds the Lambda bundle and deploys the Aurora Clone Manager stack (docs/deployment.md).
#
#   LAMBDA_S3_BUCKET=bucket LAMBDA_S3_PREFIX=prefix [STACK_NAME=aurora-clone-manager] \
#     ./build.sh [--dry-run] [ParameterKey=Value ...]
#
# Required: LAMBDA_S3_BUCKET, LAMBDA_S3_PREFIX (where the code and the rendered template go).
# Optional: STACK_NAME (deploy only when set), SKIP_TESTS=1 (skip `npm test`), DRY_RUN=1 (same as
#   --dry-run: print every command instead of running it), NPM (npm command to use),
#   REPO_NAME and GIT_SHA (override the <repo>/<sha> part of the upload path),
#   CLOUDFORMATION_ROLE_ARN (service role CloudFormation deploys with, e.g. from CodeBuild).
set -euo pipefail

die() {
  printf 'build.sh: %s\n' "$*" >&2
  exit 1
}

usage() {
  sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

dry_run="${DRY_RUN:-0}"
overrides=()
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=1 ;;
    -h | --help)
      usage
      exit 0
      ;;
    -*) die "unknown option '$arg' (see --help)" ;;
    *=*)
      [[ "$arg" =~ ^[A-Za-z0-9]+= ]] || die "bad parameter override '$arg': expected ParameterKey=Value"
      overrides+=("$arg")
      ;;
    *) die "unexpected argument '$arg': parameter overrides are ParameterKey=Value" ;;
  esac
done
[[ "$dry_run" == 0 || "$dry_run" == 1 ]] || die "DRY_RUN must be 0 or 1, not '$dry_run'"

# Everything that can be checked is checked before anything runs.
missing=()
[[ -n "${LAMBDA_S3_BUCKET:-}" ]] || missing+=(LAMBDA_S3_BUCKET)
[[ -n "${LAMBDA_S3_PREFIX:-}" ]] || missing+=(LAMBDA_S3_PREFIX)
if ((${#missing[@]})); then
  die "missing required environment variable(s): ${missing[*]} (e.g. LAMBDA_S3_BUCKET=my-bucket LAMBDA_S3_PREFIX=lambdas ./build.sh)"
fi
if [[ "$dry_run" == 0 ]] && ! command -v aws >/dev/null 2>&1; then
  die "the AWS CLI ('aws') is not on PATH: install it (https://aws.amazon.com/cli/) and configure credentials"
fi
npm_cmd="${NPM:-npm}"
if [[ "$dry_run" == 0 ]] && ! command -v "$npm_cmd" >/dev/null 2>&1; then
  die "'$npm_cmd' is not on PATH: install Node.js 20 or later"
fi

cd "${BASH_SOURCE[0]%/*}"

bucket="$LAMBDA_S3_BUCKET"
prefix="${LAMBDA_S3_PREFIX%/}"
prefix="${prefix#/}"
repo="${REPO_NAME:-}"
if [[ -z "$repo" ]]; then
  origin="$(git config --get remote.origin.url 2>/dev/null || true)"
  if [[ -n "$origin" ]]; then
    repo="${origin##*/}"
    repo="${repo%.git}"
  else
    repo="$(basename "$(git rev-parse --show-toplevel 2>/dev/null || pwd)")"
  fi
fi
sha="${GIT_SHA:-${CODEBUILD_RESOLVED_SOURCE_VERSION:-}}"
if [[ -z "$sha" ]]; then
  sha="$(git rev-parse HEAD 2>/dev/null)" || die "cannot tell the git commit: run inside a git checkout or set GIT_SHA"
  # What gets uploaded is the working tree: say so when it differs from the commit.
  if [[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
    sha="${sha}-dirty"
  fi
fi
artifact_prefix="$prefix/$repo/$sha"
packaged="dist/stack.yaml"

run() {
  if [[ "$dry_run" == 1 ]]; then
    printf '[dry-run]'
    printf ' %q' "$@"
    printf '\n'
  else
    printf '+ %s\n' "$*" >&2
    "$@"
  fi
}

run "$npm_cmd" ci
if [[ "${SKIP_TESTS:-0}" == 1 ]]; then
  printf 'build.sh: SKIP_TESTS=1: not running npm test\n' >&2
else
  run "$npm_cmd" test
fi
run "$npm_cmd" run build

if [[ "$dry_run" == 0 ]]; then
  [[ -f dist/lambda/index.js ]] || die "npm run build did not produce dist/lambda/index.js"
  # index.js is an ES module: Lambda needs {"type":"module"} beside it to load it as one.
  if ! grep -q '"type" *: *"module"' dist/lambda/package.json 2>/dev/null; then
    printf '{"type":"module"}\n' >dist/lambda/package.json
  fi
  mkdir -p dist
fi

run aws cloudformation package \
  --template-file infra/template.yaml \
  --s3-bucket "$bucket" \
  --s3-prefix "$artifact_prefix" \
  --output-template-file "$packaged"
run aws s3 cp "$packaged" "s3://$bucket/$artifact_prefix/stack.yaml"

if [[ -n "${STACK_NAME:-}" ]]; then
  deploy=(aws cloudformation deploy
    --template-file "$packaged"
    --stack-name "$STACK_NAME"
    --capabilities CAPABILITY_NAMED_IAM
    --s3-bucket "$bucket"
    --s3-prefix "$artifact_prefix"
    --no-fail-on-empty-changeset)
  if [[ -n "${CLOUDFORMATION_ROLE_ARN:-}" ]]; then
    deploy+=(--role-arn "$CLOUDFORMATION_ROLE_ARN")
  fi
  if ((${#overrides[@]})); then
    deploy+=(--parameter-overrides "${overrides[@]}")
  fi
  run "${deploy[@]}"
  if [[ "$dry_run" == 0 ]]; then
    printf 'build.sh: deployed stack %s from s3://%s/%s/stack.yaml\n' "$STACK_NAME" "$bucket" "$artifact_prefix" >&2
  fi
else
  ((${#overrides[@]} == 0)) || printf 'build.sh: STACK_NAME is not set: parameter overrides ignored\n' >&2
  printf 'build.sh: STACK_NAME is not set: package only, template at s3://%s/%s/stack.yaml\n' "$bucket" "$artifact_prefix" >&2
fi

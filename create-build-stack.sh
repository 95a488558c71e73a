#!/usr/bin/env bash
# Creates or updates the optional CodeBuild project (build-stack.yml) that runs build.sh in AWS.
#
#   LAMBDA_S3_BUCKET=bucket LAMBDA_S3_PREFIX=prefix ./create-build-stack.sh [--dry-run] [Key=Value ...]
#
# Required: LAMBDA_S3_BUCKET, LAMBDA_S3_PREFIX (where builds put the code and rendered template).
# Optional: BUILD_STACK_NAME (default aurora-clone-manager-build), SOURCE_LOCATION (HTTPS clone
#   URL; default: this checkout's origin; its last part names the repo in the artifact path),
#   MANAGER_STACK_NAME + CLOUDFORMATION_ROLE_NAME (deploy
#   the manager stack after each build through that CloudFormation service role),
#   ENABLE_WEBHOOK=true (build on every push: connect CodeBuild to GitHub in the console first,
#   once per account and Region), DRY_RUN=1 (same as --dry-run: print the AWS command only).
#   Extra Key=Value arguments are passed as parameter overrides of build-stack.yml.
set -euo pipefail

die() {
  printf 'create-build-stack.sh: %s\n' "$*" >&2
  exit 1
}

dry_run="${DRY_RUN:-0}"
extra=()
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=1 ;;
    -h | --help)
      sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *=*) extra+=("$arg") ;;
    *) die "unexpected argument '$arg' (see --help)" ;;
  esac
done

missing=()
[[ -n "${LAMBDA_S3_BUCKET:-}" ]] || missing+=(LAMBDA_S3_BUCKET)
[[ -n "${LAMBDA_S3_PREFIX:-}" ]] || missing+=(LAMBDA_S3_PREFIX)
((${#missing[@]} == 0)) || die "missing required environment variable(s): ${missing[*]}"
if [[ "$dry_run" != 1 ]] && ! command -v aws >/dev/null 2>&1; then
  die "the AWS CLI ('aws') is not on PATH: install it (https://aws.amazon.com/cli/) and configure credentials"
fi
if [[ -n "${MANAGER_STACK_NAME:-}" && -z "${CLOUDFORMATION_ROLE_NAME:-}" ]]; then
  die "MANAGER_STACK_NAME needs CLOUDFORMATION_ROLE_NAME: the CloudFormation service role that deploys it (docs/deployment.md)"
fi

cd "${BASH_SOURCE[0]%/*}"

source_location="${SOURCE_LOCATION:-}"
if [[ -z "$source_location" ]]; then
  origin="$(git config --get remote.origin.url 2>/dev/null || true)"
  [[ -n "$origin" ]] || die "set SOURCE_LOCATION to the repository's HTTPS clone URL (this checkout has no origin)"
  # CodeBuild clones over HTTPS: turn git@host:owner/repo.git into https://host/owner/repo.git.
  if [[ "$origin" =~ ^git@([^:]+):(.+)$ ]]; then
    origin="https://${BASH_REMATCH[1]}/${BASH_REMATCH[2]}"
  fi
  source_location="$origin"
fi

repo_name="${source_location##*/}"
repo_name="${repo_name%.git}"

overrides=(
  "LambdaS3Bucket=$LAMBDA_S3_BUCKET"
  "LambdaS3Prefix=${LAMBDA_S3_PREFIX%/}"
  "SourceLocation=$source_location"
  "RepositoryName=$repo_name"
  "EnableWebhook=${ENABLE_WEBHOOK:-false}"
)
[[ -z "${MANAGER_STACK_NAME:-}" ]] || overrides+=("ManagerStackName=$MANAGER_STACK_NAME")
[[ -z "${CLOUDFORMATION_ROLE_NAME:-}" ]] || overrides+=("CloudFormationRoleName=$CLOUDFORMATION_ROLE_NAME")
overrides+=("${extra[@]}")

command=(aws cloudformation deploy
  --template-file build-stack.yml
  --stack-name "${BUILD_STACK_NAME:-aurora-clone-manager-build}"
  --capabilities CAPABILITY_IAM
  --no-fail-on-empty-changeset
  --parameter-overrides "${overrides[@]}")

if [[ "$dry_run" == 1 ]]; then
  printf '[dry-run]'
  printf ' %q' "${command[@]}"
  printf '\n'
else
  printf '+ %s\n' "${command[*]}" >&2
  "${command[@]}"
fi

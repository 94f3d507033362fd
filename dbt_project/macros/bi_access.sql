{#-
    Who may read the marts: the BI role reads every mart; each tenant role reads only the rows of
    its sources and/or categories (var bi_access, from the config file's `bi` section).

    ensure_bi_roles (on-run-start) creates the roles and gives them the marts schema, and the BI
    role SELECT on tables the builder creates later (default privileges). apply_bi_access (a
    post-hook of every mart) grants the table and keeps its row-level security: enabled and
    forced, so even the owner reads through a policy, with one policy per reader. The post-hook
    runs inside the model's transaction, so a rebuilt table is swapped in with its grants and
    policies already on it: no reader ever sees a table without them.

    Both only look at the catalog when nothing changed, so an hourly run writes no catalog row
    and takes no table lock for them; an advisory lock keeps concurrent runs from racing.
-#}

{% macro bi_reader_roles() -%}
    {%- set access = var('bi_access') -%}
    {{- return([access['role']] + access['tenants'] | map(attribute='role') | list) -}}
{%- endmacro %}

{% macro sql_text_array(values) -%}
    array[{%- for value in values -%}'{{ value | replace("'", "''") }}'{{ "," if not loop.last }}{%- endfor -%}]::text[]
{%- endmacro %}

{% macro ensure_bi_roles() -%}
    {%- set access = var('bi_access') -%}
    {%- set marts = generate_schema_name('marts', none) -%}
    do $radar_bi$
    begin
        perform pg_advisory_xact_lock(hashtext('commerce_radar.bi_access'));
        create schema if not exists {{ marts }};
        {%- for role in bi_reader_roles() %}
        if not exists (select from pg_roles where rolname = '{{ role }}') then
            create role {{ role }} login;
        end if;
        if not has_database_privilege('{{ role }}', current_database(), 'CONNECT') then
            execute format('grant connect on database %I to {{ role }}', current_database());
        end if;
        if not has_schema_privilege('{{ role }}', '{{ marts }}', 'USAGE') then
            grant usage on schema {{ marts }} to {{ role }};
        end if;
        {%- endfor %}
        {#- Only the unscoped role: a tenant gets a table only together with the policy that scopes it. #}
        if not exists (
            select from pg_default_acl acl join pg_namespace n on n.oid = acl.defaclnamespace
            where acl.defaclrole = current_user::regrole and n.nspname = '{{ marts }}' and acl.defaclobjtype = 'r'
              and acl.defaclacl::text like '%{{ access["role"] }}=r/%'
        ) then
            execute format('alter default privileges for role %I in schema {{ marts }} grant select on tables to {{ access["role"] }}',
                           current_user);
        end if;
    end
    $radar_bi$;
{%- endmacro %}

{#- The rows a tenant may see in this mart, as a policy's USING expression, or none when the mart
    has nothing to scope by (the tenant then gets no grant on it). meta.bi_scope names the mart's
    source, category and product columns; a mart without the asked column but with a product key
    is scoped through dim_products, whose own policy already filters the tenant's products. #}
{% macro tenant_scope(tenant, scope) -%}
    {%- set conditions = [] -%}
    {%- set through_products = [] -%}
    {%- for key, column_key in [('sources', 'source'), ('categories', 'category')] -%}
        {%- if tenant[key] -%}
            {%- if scope.get(column_key) -%}
                {%- do conditions.append(scope[column_key] ~ ' = any(' ~ sql_text_array(tenant[key]) ~ ')') -%}
            {%- elif scope.get('product') -%}
                {%- do through_products.append(key) -%}
            {%- else -%}
                {{- return(none) -}}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if through_products -%}
        {%- do conditions.append(scope['product'] ~ ' in (select product_key from ' ~ this.schema ~ '.dim_products)') -%}
    {%- endif -%}
    {{- return(conditions | join(' and ')) -}}
{%- endmacro %}

{% macro apply_bi_access() -%}
    {%- set access = var('bi_access') -%}
    {%- set scope = model.config.get('meta', {}).get('bi_scope', {}) -%}
    {%- if model.config.materialized == 'view' -%}
        {#- Views read their tables with the owner's rights, past any policy: the BI role only. #}
        do $radar_bi$ begin
            if not has_table_privilege('{{ access["role"] }}', '{{ this }}', 'SELECT') then
                grant select on {{ this }} to {{ access["role"] }};
            end if;
        end $radar_bi$;
    {%- else -%}
        {%- set policies = {'radar_reader_' ~ access['role']: {'role': access['role'], 'using': 'true'}} -%}
        {%- for tenant in access['tenants'] -%}
            {%- set using = tenant_scope(tenant, scope) -%}
            {%- if using is not none -%}
                {#- The name carries a digest of the scope: a changed scope replaces the policy. #}
                {%- do policies.update({('radar_tenant_' ~ tenant['role'])[:50] ~ '_' ~ local_md5(using)[:8]:
                                        {'role': tenant['role'], 'using': using}}) -%}
            {%- endif -%}
        {%- endfor -%}
        do $radar_bi$
        declare
            stale record;
        begin
            perform pg_advisory_xact_lock(hashtext('{{ this }}'));
            if not (select relrowsecurity and relforcerowsecurity from pg_class where oid = '{{ this }}'::regclass) then
                alter table {{ this }} enable row level security;
                alter table {{ this }} force row level security;
            end if;
            {#- The builder (whoever runs dbt) reads and writes everything: incremental deletes and
                merges must see every row of the forced table. #}
            if not exists (select from pg_policies where schemaname = '{{ this.schema }}' and tablename = '{{ this.identifier }}'
                           and policyname = 'radar_builder_' || current_user) then
                execute format('create policy %I on {{ this }} for all to %I using (true) with check (true)',
                               'radar_builder_' || current_user, current_user);
            end if;
            for stale in select policyname from pg_policies
                         where schemaname = '{{ this.schema }}' and tablename = '{{ this.identifier }}'
                           and (policyname like 'radar\_reader\_%' or policyname like 'radar\_tenant\_%')
                           and policyname <> all({{ sql_text_array(policies.keys() | list) }}) loop
                execute format('drop policy %I on {{ this }}', stale.policyname);
            end loop;
            {%- for name, policy in policies.items() %}
            if not exists (select from pg_policies where schemaname = '{{ this.schema }}' and tablename = '{{ this.identifier }}'
                           and policyname = '{{ name }}') then
                create policy {{ name }} on {{ this }} for select to {{ policy['role'] }} using ({{ policy['using'] }});
            end if;
            if not has_table_privilege('{{ policy["role"] }}', '{{ this }}', 'SELECT') then
                grant select on {{ this }} to {{ policy['role'] }};
            end if;
            {%- endfor %}
            {%- for tenant in access['tenants'] if tenant_scope(tenant, scope) is none %}
            if has_table_privilege('{{ tenant["role"] }}', '{{ this }}', 'SELECT') then
                revoke select on {{ this }} from {{ tenant['role'] }};
            end if;
            {%- endfor %}
        end
        $radar_bi$;
    {%- endif -%}
{%- endmacro %}
